#!/usr/bin/env python3
"""Scripted load against the real binary: ingestion rate with durable acknowledgements, disk bytes
per row, peak RSS, then median query latencies. Prints one figure per line.

usage: bench/ingest_query_bench.py --binary build/victoria-logs --gen build/bench/gen_logs [--rows 1000000]
"""
import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
from vlserver import Server  # noqa: E402

QUERIES = [
    "* | count()",
    "error",
    "* | stats by (app) count()",
    '"connection refused"',
    "{app=\"nginx\"} | count()",
]


def post_batches(port, batches, errors):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    for body in batches:
        conn.request("POST", "/insert/jsonline?_stream_fields=app", body=body,
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            errors.append(resp.status)
    conn.close()


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--batch", type=int, default=10_000)
    args = ap.parse_args()

    # 1 ms apart, ending about now, so every row is inside the default retention.
    start_ns = time.time_ns() - args.rows * 1_000_000 - 60 * 1_000_000_000
    data = subprocess.run([args.gen, f"--rows={args.rows}", "--seed=1", f"--start_ns={start_ns}", "--step_ns=1000000"],
                          capture_output=True, check=True).stdout
    lines = data.splitlines(keepends=True)
    batches = [b"".join(lines[i:i + args.batch]) for i in range(0, len(lines), args.batch)]
    per_client = [batches[c::args.clients] for c in range(args.clients)]

    server = Server(os.path.abspath(args.binary)).start()
    try:
        errors = []
        t0 = time.time()
        threads = [threading.Thread(target=post_batches, args=(server.port, b, errors)) for b in per_client]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - t0
        assert not errors, errors
        server.flush()
        ingest_rss = peak_rss_mib(server.proc.pid)
        server.get("/internal/force_merge")
        time.sleep(3)
        disk = dir_bytes(os.path.join(server.data_dir, "data"))
        stored = server.count()
        print(f"rows: {args.rows} (stored {stored}), raw JSON bytes: {len(data)} ({len(data) / args.rows:.0f} B/row)")
        print(f"ingest: {args.rows / elapsed:,.0f} rows/s over {elapsed:.2f}s with {args.clients} clients, "
              f"{args.batch}-line requests (durable acks)")
        print(f"disk: {disk} bytes, {disk / args.rows:.1f} B/row, raw/disk = {len(data) / max(disk, 1):.2f}x")
        print(f"peak RSS: {ingest_rss:.0f} MiB during ingestion, {peak_rss_mib(server.proc.pid):.0f} MiB "
              f"after merge and queries")
        for q in QUERIES:
            times = []
            for _ in range(5):
                t = time.time()
                status, _, _ = server.get("/select/logsql/query?" + urllib.parse.urlencode({"query": q}))
                times.append((time.time() - t) * 1000)
                assert status == 200
            print(f"query {q!r}: median {statistics.median(times):.1f} ms")
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
