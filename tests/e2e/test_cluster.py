"""Cluster end to end: 2 storage nodes behind a vlinsert and a vlselect (same binary), a
differential check against a single node, and a two-level router tree."""
import json
import os
from datetime import datetime, timedelta, timezone

from vlserver import Check, Server, binary_from_args

BINARY = binary_from_args()
BASE = datetime.now(timezone.utc) - timedelta(hours=6)


def make_rows(n, offset=0):
    rows = []
    for i in range(offset, offset + n):
        t = BASE + timedelta(milliseconds=i * 37)
        rows.append({"_time": t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "_msg": f"request {i} {'error' if i % 7 == 0 else 'ok'}",
                     "app": f"app{i % 13}", "host": f"h{i % 3}", "n": str(i), "dur": str((i * 31) % 1000)})
    return rows


# Order-insensitive unless the query sorts; `limit` without sort is checked by count only.
QUERIES = [
    ("*", "set"),
    ("error", "set"),
    ("app:app3 host:h1", "set"),
    ("* | fields app, n", "set"),
    ("error | filter host:h2 | fields n", "set"),
    ("* | stats count() as c", "set"),
    ("* | stats by (app) count() as c, sum(dur) as s, avg(dur) as a, min(n) as lo, max(n) as hi", "set"),
    ("* | stats by (host, app) count_uniq(dur) as u", "set"),
    ("error | stats by (host) count() as c", "set"),
    ("* | sort by (dur desc, n) limit 7", "ordered"),
    ("* | sort by (n) offset 5 limit 4 | fields n", "ordered"),
    ("* | stats by (app) count() as c | sort by (c desc, app) limit 3", "ordered"),
    ("* | limit 25", "count"),
    ("* | fields n | offset 10", "count"),
]


def canon(rows):
    return sorted(json.dumps(r, sort_keys=True) for r in rows)


def flush_all(nodes):
    for n in nodes:
        n.flush()


def main():
    check = Check()
    nodes = [Server(BINARY).start(), Server(BINARY).start()]
    single = Server(BINARY).start()
    vlinsert = Server(BINARY, storage_nodes=nodes, extra_flags=["-select.disable"]).start()
    vlselect = Server(BINARY, storage_nodes=nodes, extra_flags=["-insert.disable"]).start()
    routers = [vlinsert, vlselect]
    try:
        total = 6000

        def quick_start():
            for k in range(3):
                status, body, _ = vlinsert.ingest(make_rows(2000, k * 2000), params="_stream_fields=app")
                assert status == 200, body
            status, body, _ = single.ingest(make_rows(total), params="_stream_fields=app")
            assert status == 200, body
            flush_all(nodes + [single])
            per_node = [n.count() for n in nodes]
            assert sum(per_node) == total, per_node
            assert min(per_node) >= total // 5, f"unfair spread: {per_node}"
            assert vlselect.count() == total
            # Each storage node answers on its own.
            for n, c in zip(nodes, per_node):
                assert n.count("error") <= c

        def role_separation():
            status, _, _ = vlinsert.get("/select/logsql/query?query=*")
            assert status == 400
            status, _, _ = vlselect.ingest(make_rows(1))
            assert status == 400
            status, body, _ = vlselect.request("POST", "/internal/insert?version=v9", body=b"")
            assert status == 400
            status, body, _ = nodes[0].request("POST", "/internal/insert?version=v9", body=b"")
            assert status == 400 and b"v1" in body, body

        def differential():
            for q, mode in QUERIES:
                s1, want = single.query(q)
                s2, got = vlselect.query(q)
                assert s1 == 200 and s2 == 200, (q, want, got)
                if mode == "ordered":
                    assert got == want, (q, want, got)
                elif mode == "count":
                    assert len(got) == len(want), (q, len(want), len(got))
                else:
                    assert canon(got) == canon(want), (q, want[:3], got[:3])
            # The `limit` query arg (newest N) goes through the same path.
            s1, want = single.query("error", limit="5")
            s2, got = vlselect.query("error", limit="5")
            assert want == got, (want, got)

        def multi_level():
            top_insert = Server(BINARY, storage_nodes=[vlinsert]).start()
            top_select = Server(BINARY, storage_nodes=[vlselect]).start()
            try:
                status, body, _ = top_insert.ingest(make_rows(500, total), params="_stream_fields=app")
                assert status == 200, body
                status, body, _ = single.ingest(make_rows(500, total), params="_stream_fields=app")
                assert status == 200, body
                flush_all(nodes + [single])
                assert top_select.count() == total + 500
                for q, mode in QUERIES:
                    if mode == "count":
                        continue
                    _, want = single.query(q)
                    status, got = top_select.query(q)
                    assert status == 200, (q, got)
                    assert (got == want) if mode == "ordered" else (canon(got) == canon(want)), (q, want[:3], got[:3])
            finally:
                top_insert.cleanup()
                top_select.cleanup()

        check.run("quick_start", quick_start)
        check.run("role_separation", role_separation)
        check.run("differential", differential)
        def tenants():
            tenant = {"AccountID": "5", "ProjectID": "6"}
            rows = [{"_msg": f"tenant row {i}", "marker": "t56", "app": f"a{i % 4}"} for i in range(40)]
            status, body, _ = vlinsert.ingest(rows, params="_stream_fields=app", headers=tenant)
            assert status == 200, body
            flush_all(nodes)
            assert vlselect.count("marker:t56") == 0, "the default tenant must not see tenant 5:6"
            assert vlselect.count("marker:t56", headers=tenant) == 40
            assert sum(n.count("marker:t56", headers=tenant) for n in nodes) == 40
            status, got = vlselect.query("marker:t56 | stats by (app) count() as c | sort by (app)", headers=tenant)
            assert status == 200 and got == [{"app": f"a{k}", "c": "10"} for k in range(4)], got
            status, got = vlselect.query("marker:t56 | limit 1", headers=tenant)
            assert got[0]["_stream_id"].startswith("0000000500000006"), got

        def big_answers_arrive_whole():
            # Node answers of several hundred KiB arrive chunked; incompressible messages keep
            # them big after zstd, and -select.disableCompression sends them as they are.
            marker = {"AccountID": "9", "ProjectID": "9"}
            rows = [{"_msg": os.urandom(48).hex(), "n": str(i), "app": f"a{i % 3}"} for i in range(3000)]
            status, body, _ = vlinsert.ingest(rows, params="_stream_fields=app", headers=marker)
            assert status == 200, body
            flush_all(nodes)
            plain = Server(BINARY, storage_nodes=nodes, extra_flags=["-select.disableCompression"]).start()
            try:
                for router in (vlselect, plain):
                    status, got = router.query("*", headers=marker)
                    assert status == 200, got
                    assert sorted(int(r["n"]) for r in got) == list(range(3000)), (router.extra_flags, len(got))
            finally:
                plain.cleanup()

        check.run("multi_level", multi_level)
        check.run("big_answers_arrive_whole", big_answers_arrive_whole)
        check.run("tenants", tenants)
    finally:
        for s in routers + nodes + [single]:
            s.cleanup()
    check.finish()


if __name__ == "__main__":
    main()
