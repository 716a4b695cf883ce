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

import json
import re

# The query list; RARE_WORD / RARE_PHRASE are picked from the generated data.
QUERIES = [
    "* | count()",
    "{app=\"nginx\"} | count()",
    "* | stats by (app) count()",
    "RARE_WORD",
    "RARE_PHRASE",
    "app:nginx duration:>0.2 | count()",
    "* | count_uniq(trace_id)",
    "* | sort by (_time) desc | limit 100",
]


def pick_rare(lines):
    """A number word that occurs in very few messages, and a two-word phrase ending in it."""
    best = None
    blob = b"".join(lines)
    for line in lines[len(lines) // 2:len(lines) // 2 + 40]:
        msg = json.loads(line).get("_msg", "")
        words = msg.split(" ")
        for i, w in enumerate(words):
            if i == 0 or not re.fullmatch(r"[0-9]{5,}", w) or not re.fullmatch(r"[a-z]+", words[i - 1]):
                continue
            n = sum(1 for _ in re.finditer(rb"\b" + w.encode() + rb"\b", b"\n".join(lines)))
            if best is None or n < best[0]:
                best = (n, w, f'"{words[i - 1]} {w}"')
            if n <= 5:
                return best
    return best


def metric(server, name):
    status, body, _ = server.get("/metrics")
    m = re.search(rf"^{name} (\S+)$", body.decode(), re.M)
    return float(m.group(1)) if m else None


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
        rare = pick_rare(lines)
        print(f"rare word {rare[1]!r} occurs in {rare[0]} rows; phrase {rare[2]}")
        for q in QUERIES:
            q = q.replace("RARE_WORD", rare[1]).replace("RARE_PHRASE", rare[2])
            server.get("/select/logsql/query?" + urllib.parse.urlencode({"query": q}))  # warm up
            read0 = metric(server, "vl_query_blocks_read_total")
            skip0 = metric(server, "vl_query_blocks_skipped_total")
            times = []
            for _ in range(5):
                t = time.time()
                status, body, _ = server.get("/select/logsql/query?" + urllib.parse.urlencode({"query": q}))
                times.append((time.time() - t) * 1000)
                if status != 200:
                    break
            if status != 200:
                print(f"query {q!r}: failed with {status}: {body[:200]!r}")
                continue
            blocks = ""
            if read0 is not None:
                read = (metric(server, "vl_query_blocks_read_total") - read0) / 5
                skipped = (metric(server, "vl_query_blocks_skipped_total") - skip0) / 5
                blocks = f" (blocks read {read:.0f}, skipped {skipped:.0f})"
            print(f"query {q!r}: median {statistics.median(times):.1f} ms{blocks}")
        # Write amplification: part bytes written by flushes and merges per byte flushed.
        flushed = metric(server, re.escape('vl_storage_bytes_written_total{kind="flush"}'))
        merged = metric(server, re.escape('vl_storage_bytes_written_total{kind="merge"}')) or 0
        if flushed:
            print(f"write amplification: {(flushed + merged) / flushed:.2f}x "
                  f"(flushed {flushed:.0f} B, merged {merged:.0f} B)")
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
