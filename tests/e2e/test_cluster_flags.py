"""Cluster flags end to end: -internalinsert.disable and -internalselect.disable on a storage node,
what a router sends to its nodes (zstd bodies and frames by default, plain ones with
-insert.disableCompression / -select.disableCompression, at most -insert.concurrency requests in
flight per node), seen through a recording TCP proxy between router and node; a stream's first
1000 rows staying on one node; and -http.maxGracefulShutdownDuration on SIGTERM."""
import re
import socket
import threading
import time
from datetime import datetime, timedelta, timezone

from tcp_proxy import TcpProxy
from vlserver import DEADLINE_S, Check, Server, binary_from_args, metric, wait_for

BINARY = binary_from_args()
BASE = datetime.now(timezone.utc) - timedelta(hours=1)




def rows(n, msg, start=0, **fields):
    out = []
    for i in range(start, start + n):
        t = BASE + timedelta(milliseconds=i)
        out.append({"_time": t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "_msg": f"{msg} {i}", **fields})
    return out




def stored(node, q="*"):
    node.flush()
    return node.count(q)


def http_body(raw):
    """The body of the first HTTP message in `raw` (recorded bytes), with chunking undone."""
    head, _, rest = raw.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" not in head.lower():
        m = re.search(rb"(?i)content-length:\s*(\d+)", head)
        return rest[:int(m.group(1))] if m else rest
    body = bytearray()
    for _ in range(1_000_000):  # bounded: one iteration per chunk
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        body += rest[:size]
        rest = rest[size + 2:]
    return bytes(body)


def proxied(node, flags=()):
    """A router whose only storage node is `node` behind a recording proxy."""
    proxy = TcpProxy(node.addr).start()
    router = Server(BINARY, storage_nodes=[proxy.addr], extra_flags=list(flags)).start()
    return proxy, router


def internal_disable_flags(check):
    no_insert = Server(BINARY, extra_flags=["-internalinsert.disable"]).start()
    no_select = Server(BINARY, extra_flags=["-internalselect.disable"]).start()
    insert_router = Server(BINARY, storage_nodes=[no_insert]).start()
    select_router = Server(BINARY, storage_nodes=[no_select]).start()
    try:
        def internal_insert_refused():
            status, body, _ = no_insert.request("POST", "/internal/insert?version=v1", body=b"")
            assert status == 400 and b"/internal/insert" in body, (status, body)
            # A router whose only node refuses cannot store: an error, and nothing lands.
            status, body, _ = insert_router.ingest(rows(20, "refused row"))
            assert status >= 400, (status, body)
            assert no_insert.addr.encode() in body, body
            assert stored(no_insert) == 0
            # The node itself is up and serves its own ingestion and the router's queries.
            status, body, _ = no_insert.ingest(rows(3, "direct row"))
            assert status == 200, body
            assert stored(no_insert) == 3
            assert insert_router.count("direct") == 3

        def internal_select_refused():
            status, body, _ = select_router.ingest(rows(20, "unqueryable row"))
            assert status == 200, body
            assert stored(no_select) == 20  # ingestion through the router works
            status, body = select_router.query("unqueryable")
            assert status != 200, (status, body)
            # The error names the node and what it refused.
            assert no_select.addr in body and "/internal/select/query" in body, body
            status, body, _ = no_select.get("/internal/select/query?version=v1&query=*&timestamp=0")
            assert status == 400 and b"/internal/select/query" in body, (status, body)

        check.run("internalinsert_disable_refuses_router_rows", internal_insert_refused)
        check.run("internalselect_disable_fails_router_queries", internal_select_refused)
    finally:
        for s in [insert_router, select_router, no_insert, no_select]:
            s.cleanup()


def compression_flags(check):
    marker = "zq7marker"
    n = 2000  # rows per insert case
    n_select = 500  # rows the select cases read back
    node = Server(BINARY).start()
    setups = {name: proxied(node, flags) for name, flags in [
        ("default", []), ("plain_insert", ["-insert.disableCompression"]),
        ("plain_select", ["-select.disableCompression"])]}
    try:
        # Rows for the select cases, stored on the node directly.
        status, body, _ = node.ingest(rows(n_select, f"{marker} select row", app="sel"),
                                      params="_stream_fields=app")
        assert status == 200, body

        def inserts(name):
            proxy, router = setups[name]
            before = stored(node)
            status, body, _ = router.ingest(rows(n, f"{marker} {name} row", app=name), params="_stream_fields=app")
            assert status == 200, body
            assert stored(node) == before + n
            conns = [c for c in proxy.snapshot() if c.is_request("POST", "/internal/insert")]
            assert len(conns) == 1, [c.request_head() for c in proxy.snapshot()]
            return conns[0]

        def insert_compressed_by_default():
            conn = inserts("default")
            assert conn.request_header("Content-Encoding") == "zstd", conn.request_head()
            # Every row carries the marker; compressed, most copies are back-references.
            seen = http_body(bytes(conn.up)).count(marker.encode())
            assert seen < n // 10, f"{seen} markers in the body of {n} rows"

        def insert_uncompressed_with_flag():
            conn = inserts("plain_insert")
            assert conn.request_header("Content-Encoding") is None, conn.request_head()
            seen = http_body(bytes(conn.up)).count(marker.encode())
            assert seen == n, f"{seen} markers in the body of {n} rows"

        def selects(name):
            proxy, router = setups[name]
            node.flush()
            status, got = router.query(f"{marker} app:sel")
            assert status == 200 and len(got) == n_select, (status, len(got))
            conns = [c for c in proxy.snapshot() if c.is_request("GET", "/internal/select/query")]
            assert len(conns) == 1, [c.request_head() for c in proxy.snapshot()]
            return conns[0]

        def select_compressed_by_default():
            conn = selects("default")
            assert "disable_compression=true" not in conn.request_head(), conn.request_head()
            seen = http_body(bytes(conn.down)).count(marker.encode())
            assert seen < n_select // 10, f"{seen} markers in the answer of {n_select} rows"

        def select_uncompressed_with_flag():
            conn = selects("plain_select")
            assert "disable_compression=true" in conn.request_head(), conn.request_head()
            # Each row's _msg (all different) travels as is: one marker per row.
            seen = http_body(bytes(conn.down)).count(marker.encode())
            assert seen == n_select, f"{seen} markers in the answer of {n_select} rows"

        check.run("insert_bodies_zstd_by_default", insert_compressed_by_default)
        check.run("insert_disable_compression_sends_plain_bodies", insert_uncompressed_with_flag)
        check.run("select_frames_zstd_by_default", select_compressed_by_default)
        check.run("select_disable_compression_gets_plain_frames", select_uncompressed_with_flag)
    finally:
        for proxy, router in setups.values():
            router.cleanup()
            proxy.stop()
        node.cleanup()


def insert_concurrency_flag(check):
    clients = 8
    per_client = 25

    def peak_in_flight(concurrency):
        """Peak of /internal/insert requests in flight at once from a router with
        -insert.concurrency to its node, while 8 clients ingest at the same time. The proxy
        forwards nothing until it has seen 8 connections or a few seconds passed, so every request
        the router lets through is in flight (on a connection of its own) at the same moment."""
        node = Server(BINARY).start()
        proxy, router = proxied(node, [f"-insert.concurrency={concurrency}"])
        try:
            proxy.hold(until_connections=clients, at_most_seconds=5)
            results = [None] * clients

            def ingest(k):
                try:
                    results[k] = router.ingest(rows(per_client, f"client {k} row"))[0]
                except Exception as e:  # noqa: BLE001 - reported through results
                    results[k] = repr(e)

            threads = [threading.Thread(target=ingest, args=(k,)) for k in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            assert results == [200] * clients, results
            assert stored(node) == clients * per_client
            conns = proxy.snapshot()
            assert all(c.is_request("POST", "/internal/insert") for c in conns), [c.request_head() for c in conns]
            return proxy.peak_in_flight, proxy.peak_open
        finally:
            router.cleanup()
            proxy.stop()
            node.cleanup()

    def concurrency_one():
        peak, open_connections = peak_in_flight(1)
        assert peak == 1, peak
        # One request at a time also reuses one connection (its slot is freed only once the
        # connection is back in the pool).
        assert open_connections == 1, open_connections

    def concurrency_four():
        peak, _ = peak_in_flight(4)
        assert peak == 4, peak

    check.run("insert_concurrency_1_one_request_in_flight", concurrency_one)
    check.run("insert_concurrency_4_four_requests_in_flight", concurrency_four)


def stream_home_node(check):
    nodes = [Server(BINARY).start(), Server(BINARY).start()]
    router = Server(BINARY, storage_nodes=nodes).start()
    try:
        def first_1000_rows_on_one_node():
            for b in range(4):
                status, body, _ = router.ingest(rows(250, "solo row", start=b * 250, app="solo"),
                                                params="_stream_fields=app")
                assert status == 200, body
            per_node = [stored(n) for n in nodes]
            assert sorted(per_node) == [0, 1000], per_node
            home = per_node.index(1000)
            # From row 1001 on, the stream's rows spread over both nodes.
            for b in range(4):
                status, body, _ = router.ingest(rows(50, "solo row", start=1000 + b * 50, app="solo"),
                                                params="_stream_fields=app")
                assert status == 200, body
            per_node = [stored(n) for n in nodes]
            assert sum(per_node) == 1200, per_node
            away = per_node[1 - home]
            assert away >= 50, f"later rows did not spread: {per_node}"

        check.run("stream_first_1000_rows_on_one_node", first_1000_rows_on_one_node)
    finally:
        router.cleanup()
        for n in nodes:
            n.cleanup()


def stalled_insert(server, line, promised):
    """A POST /insert/jsonline whose body stops after `line` of `promised` bytes; returns the
    socket once the server is handling it (its request counter moved)."""
    before = metric(server, 'vl_http_requests_total{path="/insert/jsonline"}')
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=DEADLINE_S)
    head = f"POST /insert/jsonline HTTP/1.1\r\nHost: x\r\nContent-Length: {promised}\r\n\r\n".encode()
    sock.sendall(head + line)
    wait_for("the stalled request to reach its handler",
             lambda: metric(server, 'vl_http_requests_total{path="/insert/jsonline"}') > before)
    return sock


def stop_in_background(server, timeout):
    """SIGTERM through Server.stop on a thread; the returned list gets the exit code."""
    result = []

    def run():
        try:
            result.append(server.stop(timeout=timeout))
        except Exception as e:  # noqa: BLE001 - reported through the result
            result.append(repr(e))

    t = threading.Thread(target=run)
    t.start()
    return t, result


def graceful_shutdown_flag(check):
    def stalled_request_does_not_hold_shutdown():
        server = Server(BINARY, extra_flags=["-http.maxGracefulShutdownDuration=1s"]).start()
        sock = None
        try:
            sock = stalled_insert(server, b'{"_msg":"never finished"}\n', 100_000)
            # The body never completes: after the 1 s grace period the server closes it and exits,
            # far within the bound (the default grace period is 7 s).
            t, result = stop_in_background(server, timeout=30)
            t.join(timeout=40)
            assert result == [0], result
        finally:
            if sock:
                sock.close()
            server.cleanup()

    def request_finished_in_grace_period_answered():
        server = Server(BINARY, extra_flags=["-http.maxGracefulShutdownDuration=60s"]).start()
        sock = None
        try:
            first = b'{"_msg":"finished during shutdown","grace":"1"}\n'
            second = b'{"_msg":"second line during shutdown","grace":"1"}\n'
            sock = stalled_insert(server, first, len(first) + len(second))
            log_before = server.read_log().count("stopping gracefully")
            t, result = stop_in_background(server, timeout=60)
            wait_for("SIGTERM to be taken", lambda: server.read_log().count("stopping gracefully") > log_before)
            # The rest of the body comes later than the default 7 s grace period would allow,
            # well inside the 60 s one.
            time.sleep(8)
            sock.sendall(second)
            sock.settimeout(DEADLINE_S)
            answer = sock.recv(4096)
            assert answer.startswith(b"HTTP/1.1 200"), answer
            # With nothing in flight the server exits without waiting out the 60 s.
            t.join(timeout=40)
            assert result == [0], result
            server.start()
            assert server.count("grace:1") == 2
        finally:
            if sock:
                sock.close()
            server.cleanup()

    check.run("graceful_shutdown_bounded_by_flag", stalled_request_does_not_hold_shutdown)
    check.run("request_finished_in_grace_period_answered", request_finished_in_grace_period_answered)


def main():
    check = Check()
    internal_disable_flags(check)
    compression_flags(check)
    insert_concurrency_flag(check)
    stream_home_node(check)
    graceful_shutdown_flag(check)
    check.finish()


if __name__ == "__main__":
    main()
