"""A query whose stateful pipes need more memory than its budget (-memory.allowedBytes) fails
with a 400 naming the pipe, on a single node and through a router; the node keeps serving and
smaller queries around it answer as before."""
from vlserver import Check, Server, binary_from_args

BINARY = binary_from_args()
N = 60000
ROWS = [{"_msg": f"request {i}", "id": str(i), "app": f"a{i % 3}"} for i in range(N)]
# 2 MiB allowed: a query gets 40% of it, about 800 KiB; 60k distinct ids need far more.
FLAGS = ["-memory.allowedBytes=2MiB"]


def main():
    check = Check()
    single = Server(BINARY, extra_flags=FLAGS).start()
    nodes = [Server(BINARY, extra_flags=FLAGS).start(), Server(BINARY, extra_flags=FLAGS).start()]
    router = Server(BINARY, storage_nodes=nodes, extra_flags=FLAGS).start()
    servers = [single, *nodes, router]
    try:
        def ingest():
            for target in (single, router):
                status, body, _ = target.ingest(ROWS, params="_stream_fields=app")
                assert status == 200, body
            for s in (single, *nodes):
                s.flush()
            assert single.count() == N and router.count() == N

        check.run("ingest", ingest)

        for q, pipe in (("* | stats by (id) count() c", "stats"),
                        ("* | sort by (id)", "sort"),
                        ("* | uniq by (id, _msg)", "uniq"),
                        ("* | stats count_uniq(_msg, id) u", "stats")):
            def over_budget(q=q, pipe=pipe):
                for name, target in (("single", single), ("cluster", router)):
                    status, body = target.query(q)
                    assert status == 400, f"{name}: {status} {body[:200]}"
                    # A router names the part its nodes ran (`stats_remote` under uniq and top).
                    named = pipe if name == "single" else ("stats" if pipe == "uniq" else pipe)
                    assert "cannot calculate [" + named in body and "B of memory" in body, f"{name}: {body[:300]}"
                    # The node is still up and answers a small query exactly.
                    status, rows = target.query("* | stats by (app) count() c | sort by (app)")
                    assert status == 200, f"{name}: {rows}"
                    assert [r["c"] for r in rows] == [str(len(range(k, N, 3))) for k in range(3)], rows

            check.run(f"over budget: {q}", over_budget)

        def within_budget():
            for target in (single, router):
                status, rows = target.query("* | top 2 by (app)")
                assert status == 200 and len(rows) == 2, rows
                status, rows = target.query("* | sort by (id) desc limit 3 | fields id")
                assert status == 200 and [r["id"] for r in rows] == [str(N - 1), str(N - 2), str(N - 3)], rows

        check.run("bounded pipes stay within budget", within_budget)
    finally:
        for s in servers:
            s.cleanup()
    check.finish()


if __name__ == "__main__":
    main()
