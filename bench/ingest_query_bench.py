#!/usr/bin/env python3
"""Scripted load against the real binary: ingestion rate with durable acknowledgements, disk bytes
per row, peak RSS, then median query latencies. Prints one figure per line.

usage: bench/ingest_query_bench.py --binary build/victoria-logs --gen build/bench/gen_logs [--rows 1000000]

Up to --stream-above rows the generated lines are held in memory (as before); above it (e.g.
--rows 10000000) every client runs its own gen_logs (distinct seed, interleaved timestamps) and
sends its stdout in --batch-line requests as it is produced, so memory stays flat; the rare word is
then picked from a sample and its row count comes from the server.
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


def stream_batches(gen, rows, seed, start_ns, step_ns, batch, sample, sent):
    """Yields `batch`-line request bodies from a gen_logs process; keeps the first lines in `sample`."""
    proc = subprocess.Popen([gen, f"--rows={rows}", f"--seed={seed}", f"--start_ns={start_ns}",
                             f"--step_ns={step_ns}"], stdout=subprocess.PIPE, bufsize=1 << 20)
    try:
        while True:
            chunk = []
            for _ in range(batch):
                line = proc.stdout.readline()
                if not line:
                    break
                chunk.append(line)
            if not chunk:
                break
            if sample is not None and len(sample) < 200_000:
                sample.extend(chunk)
            body = b"".join(chunk)
            sent.append(len(body))
            yield body
    finally:
        proc.stdout.close()
        if proc.wait() != 0:
            raise RuntimeError(f"gen_logs failed with {proc.returncode}")


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


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--stream-above", type=int, default=2_000_000)
    args = ap.parse_args()
    streaming = args.rows > args.stream_above

    # 1 ms apart, ending about now, so every row is inside the default retention.
    start_ns = time.time_ns() - args.rows * 1_000_000 - 60 * 1_000_000_000
    sample, sent = [], []
    if not streaming:
        data = subprocess.run([args.gen, f"--rows={args.rows}", "--seed=1", f"--start_ns={start_ns}",
                               "--step_ns=1000000"], capture_output=True, check=True).stdout
        lines = data.splitlines(keepends=True)
        batches = [b"".join(lines[i:i + args.batch]) for i in range(0, len(lines), args.batch)]
        per_client = [batches[c::args.clients] for c in range(args.clients)]
        raw_bytes = len(data)
    else:
        # Client c sends rows c, c + clients, ... of the time line, generated with seed 1 + c.
        per_client = []
        for c in range(args.clients):
            n = args.rows // args.clients + (1 if c < args.rows % args.clients else 0)
            per_client.append(stream_batches(args.gen, n, 1 + c, start_ns + c * 1_000_000,
                                             args.clients * 1_000_000, args.batch,
                                             sample if c == 0 else None, sent))

    server = Server(os.path.abspath(args.binary)).start()
    try:
        errors = []
        cpu0 = cpu_seconds(server.proc.pid)
        client0 = time.process_time()
        t0 = time.time()
        threads = [threading.Thread(target=post_batches, args=(server.port, b, errors)) for b in per_client]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - t0
        ingest_cpu = cpu_seconds(server.proc.pid) - cpu0
        client_cpu = time.process_time() - client0
        assert not errors, errors
        if streaming:
            raw_bytes = sum(sent)
        server.flush()
        ingest_rss = peak_rss_mib(server.proc.pid)
        server.get("/internal/force_merge")
        # The force merge runs in the background: wait (bounded) until every partition is one part,
        # so the disk and write amplification figures are those of fully merged data.
        merge_deadline = time.time() + 300
        while time.time() < merge_deadline:
            parts, partitions = metric(server, "vl_storage_parts"), metric(server, "vl_partitions")
            if parts is not None and partitions is not None and parts <= partitions:
                break
            time.sleep(0.5)
        else:
            print("warning: the force merge had not finished after 300 s")
        disk = dir_bytes(os.path.join(server.data_dir, "data"))
        stored = server.count()
        print(f"rows: {args.rows} (stored {stored}), raw JSON bytes: {raw_bytes} ({raw_bytes / args.rows:.0f} B/row)")
        print(f"ingest: {args.rows / elapsed:,.0f} rows/s over {elapsed:.2f}s with {args.clients} clients, "
              f"{args.batch}-line requests (durable acks); server CPU {ingest_cpu / args.rows * 1e6:.2f} us/row, "
              f"client CPU {client_cpu / args.rows * 1e6:.2f} us/row")
        print(f"disk: {disk} bytes, {disk / args.rows:.1f} B/row, raw/disk = {raw_bytes / max(disk, 1):.2f}x")
        print(f"peak RSS: {ingest_rss:.0f} MiB during ingestion, {peak_rss_mib(server.proc.pid):.0f} MiB "
              f"after the force merge")
        rare = pick_rare(sample if streaming else lines)
        if streaming:  # the sample's count is partial: ask the server how many rows match
            status, body, _ = server.get("/select/logsql/query?" + urllib.parse.urlencode(
                {"query": rare[1] + " | count() as n"}))
            m = re.search(rb'"n":"?(\d+)', body)
            if m:
                rare = (int(m.group(1)),) + tuple(rare[1:])
        print(f"rare word {rare[1]!r} occurs in {rare[0]} rows; phrase {rare[2]}")
        # Latency over one keep-alive connection, as dashboards and scripts using a session send
        # queries: a new TCP connection per query would time the handshake, not the query.
        qconn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)

        def timed_get(path):
            qconn.request("GET", path)
            resp = qconn.getresponse()
            return resp.status, resp.read()

        for q in QUERIES:
            q = q.replace("RARE_WORD", rare[1]).replace("RARE_PHRASE", rare[2])
            timed_get("/select/logsql/query?" + urllib.parse.urlencode({"query": q}))  # warm up
            read0 = metric(server, "vl_query_blocks_read_total")
            skip0 = metric(server, "vl_query_blocks_skipped_total")
            times = []
            for _ in range(5):
                t = time.perf_counter()
                status, body = timed_get("/select/logsql/query?" + urllib.parse.urlencode({"query": q}))
                times.append((time.perf_counter() - t) * 1000)
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
        print(f"peak RSS after the queries: {peak_rss_mib(server.proc.pid):.0f} MiB")
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
