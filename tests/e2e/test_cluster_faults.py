"""Cluster faults: a storage node stops during continuous ingestion (no client error of any kind,
every acknowledged row stored exactly once), queries while it is down (502 naming it, or a partial
answer when allowed), kill -9 + restart of a node (every acknowledged row present; at most one
extra copy per node, the documented at-least-once re-send), and every node down."""
import collections
import threading
import time
from datetime import datetime, timedelta, timezone

from vlserver import DEADLINE_S, Check, Server, binary_from_args, metric, wait_for

BINARY = binary_from_args()
BASE = datetime.now(timezone.utc) - timedelta(hours=2)


def batch(start, n):
    out = []
    for i in range(start, start + n):
        t = BASE + timedelta(milliseconds=i % 3_600_000)
        out.append({"_time": t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "_msg": f"row {i}", "stream": f"s{i % 4}",
                    "id": str(i)})
    return out




class Ingester:
    """Posts batches of rows with unique ids through the router until stopped. Every batch ends
    as acknowledged (200) or as an error: any other status, and any exception of the client
    (refused or reset connection, timeout, bad response) alike."""

    def __init__(self, router, start, size=200):
        self.router, self.next, self.size = router, start, size
        self.acked = set()
        self.errors = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self):
        deadline = time.time() + 4 * DEADLINE_S  # safety net only: the test stops it much sooner
        while not self.stop.is_set() and time.time() < deadline:
            rows = batch(self.next, self.size)
            self.next += self.size
            try:
                status, body, _ = self.router.ingest(rows, params="_stream_fields=stream")
            except Exception as e:  # noqa: BLE001 - every client failure counts, whatever its kind
                self.errors.append(f"{type(e).__name__}: {e}")
                continue
            if status == 200:
                self.acked.update(r["id"] for r in rows)
            else:
                self.errors.append((status, body[:200]))
            time.sleep(0.01)

    def acked_count(self):
        return len(self.acked)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=4 * DEADLINE_S)
        assert not self.thread.is_alive(), "the ingesting thread did not stop"


def flushed_count(node):
    node.flush()
    return node.count()


def stored_ids(nodes):
    """id -> number of copies over all nodes (each node asked directly). A row is never stored
    twice on one node: a re-send always goes to another node."""
    copies = collections.Counter()
    for n in nodes:
        n.flush()
        status, rows = n.query("* | fields id")
        assert status == 200, rows
        on_node = collections.Counter(r["id"] for r in rows)
        twice = [(i, c) for i, c in on_node.items() if c > 1]
        assert not twice, f"{len(twice)} rows stored more than once on {n.addr}, e.g. {twice[:5]}"
        copies.update(on_node)
    return copies


def check_acked(copies, acked, max_copies):
    missing = [i for i in acked if copies[i] == 0]
    assert not missing, f"{len(missing)} acknowledged rows lost, e.g. {sorted(missing)[:5]}"
    over = [(i, c) for i, c in copies.items() if c > max_copies]
    assert not over, f"{len(over)} rows stored more than {max_copies} times, e.g. {over[:5]}"


def main():
    check = Check()
    nodes = [Server(BINARY).start(), Server(BINARY).start()]
    router = Server(BINARY, storage_nodes=nodes).start()
    partial_router = Server(BINARY, storage_nodes=nodes, extra_flags=["-search.allowPartialResponse"]).start()
    down_addr = nodes[1].addr
    acked = set()
    try:
        def stop_node_during_ingestion():
            with Ingester(router, 0) as ing:
                wait_for("the first acknowledged batches", lambda: ing.acked_count() >= 1000)
                assert nodes[1].stop() == 0
                before = flushed_count(nodes[0])
                # New rows land on the healthy node.
                wait_for("rows on the healthy node", lambda: flushed_count(nodes[0]) > before)
                # Queries while the node is down.
                status, body, _ = router.query_with_headers("* | count()")
                assert status == 502 and down_addr in body, (status, body)
                status, rows, headers = router.query_with_headers("* | count()", allow_partial_response="1")
                assert status == 200 and headers.get("VL-Partial-Response") == "true", (status, rows, headers)
                status, rows, headers = partial_router.query_with_headers("* | count()")
                assert status == 200 and headers.get("VL-Partial-Response") == "true", (status, headers)
                nodes[1].start()
                # The router's prober notices the node is back: it receives rows again.
                after_restart = flushed_count(nodes[1])
                wait_for("rows on the restarted node", lambda: flushed_count(nodes[1]) > after_restart)
            assert not ing.errors, ing.errors[:3]
            acked.update(ing.acked)
            # A graceful stop answers every request it took: each acknowledged row exactly once.
            copies = stored_ids(nodes)
            check_acked(copies, acked, max_copies=1)
            assert sum(copies.values()) == len(acked), (sum(copies.values()), len(acked))
            extra = batch(10**6, 2000)
            status, _, _ = router.ingest(extra, params="_stream_fields=stream")
            assert status == 200
            acked.update(r["id"] for r in extra)
            for n in nodes:
                n.flush()
            status, rows, headers = router.query_with_headers("* | count()")
            assert status == 200 and "VL-Partial-Response" not in headers, (status, headers)
            assert int(rows[0]["count(*)"]) == len(acked), (rows, len(acked))

        def kill9_and_restart():
            with Ingester(router, 2 * 10**6) as ing:
                wait_for("the first acknowledged batches", lambda: ing.acked_count() >= 1000)
                nodes[0].kill()
                acked_at_kill = ing.acked_count()
                wait_for("acknowledged rows while a node is dead", lambda: ing.acked_count() >= acked_at_kill + 1000)
                before = flushed_count(nodes[1])
                nodes[0].start()
                after_restart = flushed_count(nodes[0])
                wait_for("rows on the restarted node", lambda: flushed_count(nodes[0]) > after_restart)
                assert flushed_count(nodes[1]) > before
            assert not ing.errors, ing.errors[:3]
            acked.update(ing.acked)
            # A batch the killed node stored but could not acknowledge is re-sent to the other
            # node (at-least-once, docs/compatibility.md): each row at most once per node.
            copies = stored_ids(nodes)
            check_acked(copies, acked, max_copies=len(nodes))
            status, rows, _ = router.query_with_headers("* | count()")
            assert status == 200 and int(rows[0]["count(*)"]) == sum(copies.values()), rows

        def all_nodes_down():
            for n in nodes:
                n.stop()
            status, body, _ = router.ingest(batch(0, 10))
            assert status == 503, (status, body)
            status, body, _ = partial_router.query_with_headers("* | count()")
            assert status == 502, (status, body)

        check.run("stop_node_during_ingestion", stop_node_during_ingestion)
        check.run("kill9_and_restart", kill9_and_restart)
        check.run("all_nodes_down", all_nodes_down)
    finally:
        for s in [router, partial_router] + nodes:
            s.cleanup()
    check.finish()


if __name__ == "__main__":
    main()
