#!/usr/bin/python3
"""Ingestion cost per protocol on equivalent data: rows/s and server CPU per row for
/insert/jsonline, Elasticsearch bulk, DataDog, Loki (JSON and protobuf+snappy), OpenTelemetry
(protobuf), journald (export format) and syslog over TCP (octet-counted RFC 5424).

Every protocol carries the same rows: gen_logs' mixed shapes (nginx access, app events with
nested objects and arrays, traced service logs), converted to what that protocol's shippers
send (labels / resource attributes / stream fields from app and host, the rest as fields,
metadata, attributes or structured data). Each protocol gets a fresh server; the figure is the
server's user+system CPU (from /proc) over the rows stored, and rows over wall time from the
first request to the last acknowledgement (syslog has none: to the commit of the last row).

usage: /usr/bin/python3 bench/ingest_protocols_bench.py --binary build/victoria-logs \
           --gen build/bench/gen_logs [--rows 200000] [--seeds 1,7] [--batch 5000] [--clients 2] [--repeat 3]
Needs Debian's python3-protobuf and python3-snappy (scripts/install-deps.sh), and protoc.
"""
import argparse
import http.client
import importlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
from vlserver import Server, metric, wait_for  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def load_protos(tmp):
    subprocess.run(["protoc", f"--proto_path={ROOT}/proto", f"--python_out={tmp}", "loki_push.proto",
                    "otlp_logs.proto"], check=True)
    sys.path.insert(0, tmp)
    return importlib.import_module("loki_push_pb2"), importlib.import_module("otlp_logs_pb2")


def flatten(obj, prefix=""):
    out = []
    for k, v in obj.items():
        name = prefix + k
        if isinstance(v, dict):
            out += flatten(v, name + ".")
        elif isinstance(v, list):
            out.append((name, json.dumps(v, separators=(",", ":"))))
        elif isinstance(v, bool):
            out.append((name, "true" if v else "false"))
        elif v is not None:
            out.append((name, str(v)))
    return out


def parse_time_ns(s):
    # 2025-01-01T00:00:00.000Z
    t = time.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")
    frac = s[20:-1] if len(s) > 20 else "0"
    import calendar
    return calendar.timegm(t) * 10**9 + int(frac.ljust(9, "0")[:9])


class Row:
    __slots__ = ("line", "obj", "ns", "msg", "app", "host", "fields")

    def __init__(self, line):
        self.line = line
        self.obj = json.loads(line)
        self.ns = parse_time_ns(self.obj["_time"])
        self.msg = self.obj["_msg"]
        self.app = self.obj.get("app", "")
        self.host = self.obj.get("host", "")
        self.fields = [(k, v) for k, v in flatten(self.obj) if k not in ("_time", "_msg", "app", "host")]


# --- per-protocol batch encoders: rows -> (path, headers, body) --------------------------------

def enc_jsonline(rows, pb):
    body = b"".join(r.line + b"\n" for r in rows)
    return "/insert/jsonline?_stream_fields=app,host", {}, body


def enc_es(rows, pb):
    parts = []
    for r in rows:
        parts.append(b'{"create":{"_index":"logs"}}\n')
        parts.append(r.line + b"\n")
    return "/insert/elasticsearch/_bulk?_msg_field=_msg&_time_field=_time&_stream_fields=app,host", \
        {"Content-Type": "application/x-ndjson"}, b"".join(parts)


def enc_datadog(rows, pb):
    recs = []
    for r in rows:
        d = {k: v for k, v in r.obj.items() if k not in ("_time", "_msg", "app", "host")}
        d.update({"message": r.msg, "timestamp": r.ns // 10**6, "ddtags": f"app:{r.app},host:{r.host}"})
        recs.append(d)
    return "/insert/datadog/api/v2/logs?_stream_fields=app,host", {"Content-Type": "application/json"}, \
        json.dumps(recs).encode()


def group_streams(rows):
    streams = {}
    for r in rows:
        streams.setdefault((r.app, r.host), []).append(r)
    return streams


def enc_loki_json(rows, pb):
    out = []
    for (app, host), rs in group_streams(rows).items():
        out.append({"stream": {"app": app, "host": host},
                    "values": [[str(r.ns), r.msg, dict(r.fields)] for r in rs]})
    return "/insert/loki/api/v1/push", {"Content-Type": "application/json"}, json.dumps({"streams": out}).encode()


def enc_loki_proto(rows, pb):
    import snappy
    loki = pb[0]
    req = loki.PushRequest()
    for (app, host), rs in group_streams(rows).items():
        s = req.streams.add()
        s.labels = f'{{app="{app}", host="{host}"}}'.encode()
        for r in rs:
            e = s.entries.add()
            e.timestamp.seconds, e.timestamp.nanos = divmod(r.ns, 10**9)
            e.line = r.msg.encode()
            for k, v in r.fields:
                m = e.structured_metadata.add()
                m.name, m.value = k.encode(), v.encode()
    return "/insert/loki/api/v1/push", {"Content-Type": "application/x-protobuf", "Content-Encoding": "snappy"}, \
        snappy.compress(req.SerializeToString())


def enc_otlp(rows, pb):
    otlp = pb[1]
    req = otlp.ExportLogsServiceRequest()
    for (app, host), rs in group_streams(rows).items():
        rl = req.resource_logs.add()
        for k, v in (("app", app), ("host", host)):
            a = rl.resource.attributes.add()
            a.key, a.value.string_value = k.encode(), v.encode()
        sl = rl.scope_logs.add()
        for r in rs:
            lr = sl.log_records.add()
            lr.time_unix_nano = r.ns
            lr.body.string_value = r.msg.encode()
            for k, v in r.fields:
                a = lr.attributes.add()
                a.key, a.value.string_value = k.encode(), v.encode()
    return "/insert/opentelemetry/v1/logs", {"Content-Type": "application/x-protobuf"}, req.SerializeToString()


def journald_name(k):
    n = "".join(c if c.isalnum() else "_" for c in k.upper())
    return n if not n[0].isdigit() else "_" + n


def enc_journald(rows, pb):
    parts = []
    for r in rows:
        parts.append(f"__REALTIME_TIMESTAMP={r.ns // 1000}\n_HOSTNAME={r.host}\n_SYSTEMD_UNIT={r.app}.service\n"
                     f"_MACHINE_ID=bench\n".encode())
        msg = r.msg.encode()
        if b"\n" in msg:
            parts.append(b"MESSAGE\n" + len(msg).to_bytes(8, "little") + msg + b"\n")
        else:
            parts.append(b"MESSAGE=" + msg + b"\n")
        for k, v in r.fields:
            parts.append(f"{journald_name(k)}={v}\n".encode())
        parts.append(b"\n")
    return "/insert/journald/upload", {"Content-Type": "application/vnd.fdo.journal"}, b"".join(parts)


def sd_escape(v):
    return v.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def enc_syslog(rows, pb):
    """Octet-counted RFC 5424 frames (as rsyslog forwards them); sent over TCP, not HTTP."""
    parts = []
    for r in rows:
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(r.ns // 10**9)) + ".%03dZ" % (r.ns // 10**6 % 1000)
        sd = "[f@1 " + " ".join(f'{k.replace("=", "_").replace(" ", "_")}="{sd_escape(v)}"'
                               for k, v in r.fields) + "]" if r.fields else "-"
        msg = f"<14>1 {ts} {r.host} {r.app} - - {sd} {r.msg}".encode()
        parts.append(str(len(msg)).encode() + b" " + msg)
    return None, None, b"".join(parts)


PROTOCOLS = [
    ("jsonline", enc_jsonline),
    ("elasticsearch_bulk", enc_es),
    ("datadog", enc_datadog),
    ("loki_json", enc_loki_json),
    ("loki_protobuf", enc_loki_proto),
    ("opentelemetry", enc_otlp),
    ("journald", enc_journald),
    ("syslog_tcp", enc_syslog),
]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def send_http(server, batches, clients):
    errors = []

    def worker(mine):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        for path, headers, body in mine:
            conn.request("POST", path, body=body, headers=headers)
            resp = conn.getresponse()
            text = resp.read()
            if resp.status >= 300:
                errors.append(f"{path}: {resp.status} {text[:200]!r}")
                return
        conn.close()

    threads = [threading.Thread(target=worker, args=(batches[i::clients],)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def syslog_port(server):
    import re
    found = []

    def ready():
        m = re.search(r"-syslog\.listenAddr\.tcp=\S+ \(127\.0\.0\.1:(\d+)", server.read_log())
        if m:
            found.append(int(m.group(1)))
        return bool(found)

    wait_for("syslog listener", ready)
    return found[0]


def run_protocol(binary, name, encoder, rows, pb, batch, clients):
    chunks = [rows[i:i + batch] for i in range(0, len(rows), batch)]
    encoded = [encoder(c, pb) for c in chunks]
    wire_bytes = sum(len(b) for _, _, b in encoded)
    flags = ["-retentionPeriod=100y"]
    if name == "syslog_tcp":
        flags += ["-syslog.listenAddr.tcp=127.0.0.1:0", '-syslog.streamFields.tcp=["hostname","app_name"]']
    server = Server(binary, extra_flags=flags).start()
    try:
        cpu0, t0 = cpu_seconds(server.proc.pid), time.perf_counter()
        if name == "syslog_tcp":
            port = syslog_port(server)
            cpu0, t0 = cpu_seconds(server.proc.pid), time.perf_counter()

            def stream(mine):
                with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
                    for _, _, body in mine:
                        s.sendall(body)

            threads = [threading.Thread(target=stream, args=(encoded[i::clients],)) for i in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            # Syslog has no acknowledgement: the end is the commit of the last row.
            committed = 'vl_rows_ingested_total{type="syslog_tcp"}'
            deadline = time.time() + 300
            while metric(server, committed) < len(rows) and time.time() < deadline:
                time.sleep(0.01)
            errors = [] if metric(server, committed) == len(rows) else ["not every row was committed"]
        else:
            errors = send_http(server, encoded, clients)
        elapsed = time.perf_counter() - t0
        cpu = cpu_seconds(server.proc.pid) - cpu0
        if errors:
            return None, errors[0]
        stored = 0
        deadline = time.time() + 60
        while stored != len(rows) and time.time() < deadline:
            stored = server.count()
            time.sleep(0.05)
        if stored != len(rows):
            return None, f"stored {stored} of {len(rows)} rows"
        return (len(rows) / elapsed, cpu / len(rows) * 1e6, wire_bytes / len(rows)), None
    finally:
        server.cleanup()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--seeds", default="1,7")
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated protocol names")
    ap.add_argument("--repeat", type=int, default=3, help="runs per protocol; medians are printed")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="vl-proto-bench-")
    pb = load_protos(tmp)
    only = set(args.only.split(",")) if args.only else None
    print(f"rows={args.rows} batch={args.batch} clients={args.clients} medians of {args.repeat} runs")
    print(f"{'seed':>4} {'protocol':<20} {'rows/s':>10} {'cpu us/row':>11} {'wire B/row':>11}")
    for seed in (int(s) for s in args.seeds.split(",")):
        out = subprocess.run([args.gen, f"--rows={args.rows}", f"--seed={seed}"], check=True,
                             capture_output=True).stdout
        rows = [Row(line) for line in out.splitlines() if line]
        for name, encoder in PROTOCOLS:
            if only and name not in only:
                continue
            results = []
            error = None
            for _ in range(args.repeat):
                result, error = run_protocol(args.binary, name, encoder, rows, pb, args.batch, args.clients)
                if error:
                    break
                results.append(result)
            if error:
                print(f"{seed:>4} {name:<20} failed: {error}", flush=True)
            else:
                rate = statistics.median(r[0] for r in results)
                cpu_us = statistics.median(r[1] for r in results)
                print(f"{seed:>4} {name:<20} {rate:>10.0f} {cpu_us:>11.2f} {results[0][2]:>11.0f}", flush=True)
    subprocess.run(["rm", "-rf", tmp], check=False)


if __name__ == "__main__":
    main()
