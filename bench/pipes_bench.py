#!/usr/bin/env python3
"""Pipes and stats functions at scale (issue 12's list): the same generated logs into one single
node and into a router over 2 storage nodes; per query the median latency, rows per second per
core (stored rows / CPU seconds all processes spent on one run) and the peak extra memory of the
processes while it ran (resident set above what they held before, sampled every 10 ms).

usage: bench/pipes_bench.py --binary build/victoria-logs --gen build/bench/gen_logs [--rows 10000000]
"""
import argparse
import http.client
import os
import statistics
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
sys.path.insert(0, os.path.dirname(__file__))
from ingest_query_bench import cpu_seconds, post_batches, stream_batches  # noqa: E402
from vlserver import Server  # noqa: E402

QUERIES = [
    "* | stats by (app, level) count() c",
    "* | stats by (_time:1m) count() c",
    "* | stats count_uniq(trace_id) u",
    "* | stats quantile(0.99, duration) q",
    "* | top 10 by (remote_ip)",
    "* | uniq by (host)",
    "* | sort by (_time) desc limit 100",
    "app:~\"search|tracker\" | pack_json fields (event.*) as j | unpack_json from j | stats by (event.kind) count() c",
    "* | stats min(_time) lo, max(_time) hi",
    "* | stats sum(bytes) s, avg(duration) a, max(duration_ms) m",
]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class RssSampler:
    """Highest sum of the processes' resident sets while running, every 10 ms."""

    def __init__(self, pids):
        self.pids, self.peak, self.stop = pids, 0, threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, sum(rss_kib(p) for p in self.pids))
            time.sleep(0.01)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def ingest(entry, rows, gen, clients, batch):
    start_ns = time.time_ns() - rows * 1_000_000 - 60 * 1_000_000_000
    per_client = []
    for c in range(clients):
        n = rows // clients + (1 if c < rows % clients else 0)
        per_client.append(stream_batches(gen, n, 1 + c, start_ns + c * 1_000_000, clients * 1_000_000, batch, None, []))
    errors = []
    threads = [threading.Thread(target=post_batches, args=(entry.port, b, errors)) for b in per_client]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def run_queries(entry, procs, rows, label):
    conn = http.client.HTTPConnection("127.0.0.1", entry.port, timeout=600)

    def get(q):
        conn.request("GET", "/select/logsql/query?" + urllib.parse.urlencode({"query": q}))
        resp = conn.getresponse()
        return resp.status, resp.read()

    pids = [p.proc.pid for p in procs]
    for q in QUERIES:
        status, body = get(q)  # warm-up
        if status != 200:
            print(f"{label}: {q!r}: {status} {body[:120]!r}")
            continue
        times, cpus = [], []
        base = sum(rss_kib(p) for p in pids)
        with RssSampler(pids) as rss:
            for _ in range(3):
                cpu0 = sum(cpu_seconds(p) for p in pids)
                t = time.perf_counter()
                get(q)
                times.append(time.perf_counter() - t)
                cpus.append(sum(cpu_seconds(p) for p in pids) - cpu0)
        cpu = max(statistics.median(cpus), 0.01)  # /proc ticks are 10 ms
        print(f"{label}: {q!r}: median {statistics.median(times) * 1000:.0f} ms, "
              f"{rows / cpu / 1e6:.1f} Mrows/s per core, peak +{max(rss.peak - base, 0) / 1024:.0f} MiB")


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
        run_queries(single, [single], args.rows, "single")
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
        run_queries(router, [router] + nodes, args.rows, "cluster")
    finally:
        for s in [router] + nodes:
            s.cleanup()


if __name__ == "__main__":
    main()
