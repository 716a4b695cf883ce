#!/usr/bin/env python3
"""Select endpoints at scale (issue 13's list): the same generated logs into one single node and
into a router over 2 storage nodes; per request the median latency, rows per second per core
(stored rows / CPU seconds all processes spent on one run) and the peak extra memory.

usage: bench/select_api_bench.py --binary build/victoria-logs --gen build/bench/gen_logs [--rows 10000000]
"""
import argparse
import http.client
import os
import statistics
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
sys.path.insert(0, os.path.dirname(__file__))
from ingest_query_bench import cpu_seconds  # noqa: E402
from pipes_bench import RssSampler, ingest, rss_kib  # noqa: E402
from vlserver import Server  # noqa: E402


def requests():
    """(label, path, args); the generator's rows end about a minute before now."""
    hour_ago = str(int(time.time()) - 3600)
    return [
        ("hits step=1m", "hits", {"query": "*", "step": "1m"}),
        ("hits step=1m field=app", "hits", {"query": "*", "step": "1m", "field": "app"}),
        ("field_names", "field_names", {"query": "*"}),
        ("field_values app", "field_values", {"query": "*", "field": "app"}),
        ("stats_query_range 1h step=1m", "stats_query_range",
         {"query": "* | stats by (level) count() c", "start": hour_ago, "step": "1m"}),
        ("streams", "streams", {"query": "*"}),
    ]


def run(entry, procs, rows, label):
    conn = http.client.HTTPConnection("127.0.0.1", entry.port, timeout=600)

    def get(path, args):
        conn.request("GET", f"/select/logsql/{path}?" + urllib.parse.urlencode(args))
        resp = conn.getresponse()
        return resp.status, resp.read()

    pids = [p.proc.pid for p in procs]
    for name, path, args in requests():
        status, body = get(path, args)  # warm-up
        if status != 200:
            print(f"{label}: {name}: {status} {body[:120]!r}")
            continue
        times, cpus = [], []
        base = sum(rss_kib(p) for p in pids)
        with RssSampler(pids) as rss:
            for _ in range(3):
                cpu0 = sum(cpu_seconds(p) for p in pids)
                t = time.perf_counter()
                get(path, args)
                times.append(time.perf_counter() - t)
                cpus.append(sum(cpu_seconds(p) for p in pids) - cpu0)
        cpu = max(statistics.median(cpus), 0.01)  # /proc ticks are 10 ms
        print(f"{label}: {name}: median {statistics.median(times) * 1000:.0f} ms, "
              f"{rows / cpu / 1e6:.1f} Mrows/s per core, peak +{max(rss.peak - base, 0) / 1024:.0f} MiB, "
              f"{len(body)} bytes")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--skip-cluster", action="store_true")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)

    single = Server(binary).start()
    try:
        ingest(single, args.rows, args.gen, args.clients, args.batch)
        single.flush()
        print(f"single node: {single.count()} rows")
        run(single, [single], args.rows, "single")
    finally:
        single.cleanup()
    if args.skip_cluster:
        return
    nodes = [Server(binary).start(), Server(binary).start()]
    router = Server(binary, storage_nodes=nodes).start()
    try:
        ingest(router, args.rows, args.gen, args.clients, args.batch)
        for n in nodes:
            n.flush()
        print(f"cluster: {[n.count() for n in nodes]} rows per node")
        run(router, [router] + nodes, args.rows, "cluster")
    finally:
        for s in [router] + nodes:
            s.cleanup()


if __name__ == "__main__":
    main()
