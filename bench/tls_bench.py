#!/usr/bin/env python3
"""Cluster ingestion over plain HTTP vs HTTPS + Basic Auth + mTLS between the router and its
storage nodes (issue 14): the same generated rows through a router over 2 storage nodes; rows/s,
router CPU per row, storage nodes' CPU per row, and how many TLS handshakes (full and resumed)
the router made for how many requests. Certificates are made with the openssl command.

usage: bench/tls_bench.py --binary build/victoria-logs --gen build/bench/gen_logs [--rows 2000000]
"""
import argparse
import os
import re
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
sys.path.insert(0, os.path.dirname(__file__))
from ingest_query_bench import cpu_seconds, post_batches, stream_batches  # noqa: E402
from test_tls_auth import SecureServer, make_certs, node_flags, router_flags  # noqa: E402
from vlserver import Server  # noqa: E402


def router_metric(router, name):
    _, body, _ = router.get("/metrics")
    m = re.search(r"^" + re.escape(name) + r" ([0-9.e+]+)$", body.decode(), re.M)
    return int(float(m.group(1))) if m else 0


def run(label, router, nodes, args):
    start_ns = time.time_ns() - args.rows * 1_000_000 - 60 * 1_000_000_000
    batches = [stream_batches(args.gen, args.rows // args.clients, 1 + c, start_ns + c * 1_000_000,
                              args.clients * 1_000_000, args.batch, None, []) for c in range(args.clients)]
    cpu0 = cpu_seconds(router.proc.pid)
    node_cpu0 = sum(cpu_seconds(n.proc.pid) for n in nodes)
    errors = []
    t = time.perf_counter()
    threads = [threading.Thread(target=post_batches, args=(router.port, b, errors)) for b in batches]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    assert not errors, errors
    rows = args.rows // args.clients * args.clients
    router_cpu = cpu_seconds(router.proc.pid) - cpu0
    node_cpu = sum(cpu_seconds(n.proc.pid) for n in nodes) - node_cpu0
    requests = rows // args.batch
    print(f"{label}: {rows / elapsed / 1e6:.2f} Mrows/s, router {router_cpu / rows * 1e9:.0f} ns CPU/row, "
          f"nodes {node_cpu / rows * 1e9:.0f} ns CPU/row, ~{requests} client batches; router opened "
          f"{router_metric(router, 'vl_storage_node_connections_opened_total')} connections, "
          f"{router_metric(router, 'vl_storage_node_tls_handshakes_total')} TLS handshakes "
          f"({router_metric(router, 'vl_storage_node_tls_resumed_total')} resumed)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--batch", type=int, default=10_000)
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    certs = tempfile.mkdtemp(prefix="vl-bench-certs-")
    try:
        make_certs(certs)
        for secure in (False, True):
            if secure:
                nodes = [SecureServer(binary, certs, extra_flags=node_flags(certs)).start() for _ in range(2)]
                router = Server(binary, storage_nodes=nodes, extra_flags=router_flags(certs)).start()
            else:
                nodes = [Server(binary).start() for _ in range(2)]
                router = Server(binary, storage_nodes=nodes).start()
            try:
                run("https+auth+mtls" if secure else "plain http", router, nodes, args)
            finally:
                for s in [router] + nodes:
                    s.cleanup()
    finally:
        shutil.rmtree(certs, ignore_errors=True)


if __name__ == "__main__":
    main()
