"""OpenTelemetry logs intake (/insert/opentelemetry/v1/logs) with the real OpenTelemetry JS logs
SDK and its OTLP/HTTP exporters (tests/e2e/clients/otel_client.mjs), on a single node and
through a router over two nodes: the protobuf exporter's records come back with the resource
attributes as fields and stream, a map body unpacked (VL-Msg-Field picks its message), nested
and array attributes, severity names, trace/span ids and the record's time. The JSON exporter
is refused (400, the SDK reports the export as failed, nothing stored), as are bodies that are
not protobuf."""
import datetime
import json
import os
import subprocess
import time

from vlserver import Check, Server, binary_from_args, metric, wait_for

CLIENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clients")
PATH = "/insert/opentelemetry/v1/logs"


def run_client(server, kind, compression, tag):
    """Runs the SDK client; returns (exit code, its JSON report or None, stderr)."""
    out = subprocess.run(["node", os.path.join(CLIENTS, "otel_client.mjs"), server.url + PATH, kind, compression, tag],
                         capture_output=True, text=True, timeout=60)
    lines = out.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None
    return out.returncode, report, out.stderr


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def check_rows(rows, tag, sent_from, sent_to):
    by_msg = {r["_msg"]: r for r in rows}
    stream = f'{{e2e.tag="{tag}",service.name="checkout",service.version="1.2.3"}}'
    resource = {"_stream": stream, "e2e.tag": tag, "service.name": "checkout", "service.version": "1.2.3"}
    for r in rows:
        assert "_stream_id" in r and r.pop("_stream_id")
    now_rows = [f"user logged in {tag}", f"cache miss {tag}", f"payment failed {tag}"]
    for msg in now_rows:
        # Records without a timestamp carry the SDK's emit time.
        assert msg in by_msg, f"{msg!r} missing: {rows}"
        t = parse_time(by_msg[msg].pop("_time"))
        assert sent_from - 1 <= t <= sent_to + 1, f"{msg}: time {t} not within the run"
    assert by_msg[f"user logged in {tag}"] == {
        **resource, "_msg": f"user logged in {tag}", "severity": "Info", "user.id": "42", "ratio": "0.5",
        "admin": "false", "tags": '["a","b"]', "http.method": "GET", "http.status": "200"}, by_msg
    assert by_msg[f"cache miss {tag}"] == {
        **resource, "_msg": f"cache miss {tag}", "severity": "WARNING", "key": "k1", "stats.hits": "3",
        "component": "cache"}, by_msg
    assert by_msg[f"payment failed {tag}"] == {
        **resource, "_msg": f"payment failed {tag}", "severity": "Error",
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"}, by_msg
    assert by_msg[f"explicit time {tag}"] == {
        **resource, "_msg": f"explicit time {tag}", "severity": "Debug2", "_time": "2025-01-01T00:00:05.25Z"}, by_msg


def post(server, body, content_type):
    return server.request("POST", PATH, body=body, headers={"Content-Type": content_type})


def main():
    binary = binary_from_args()
    check = Check()
    flags = ["-retentionPeriod=100y"]
    single = Server(binary, extra_flags=flags).start()
    nodes = [Server(binary, extra_flags=flags).start(), Server(binary, extra_flags=flags).start()]
    router = Server(binary, storage_nodes=nodes, extra_flags=flags).start()
    servers = [single, *nodes, router]

    def flush_storage():
        """Makes anything stored searchable (routers have no storage to flush)."""
        for s in (single, *nodes):
            s.flush()

    try:
        for name, target, compression in (("single", single, "none"), ("cluster", router, "gzip")):
            def protobuf_exporter(target=target, name=name, compression=compression):
                tag = f"{name}-proto"
                sent_from = time.time()
                code, report, err = run_client(target, "proto", compression, tag)
                sent_to = time.time()
                assert code == 0, f"{name}: client failed ({code}): {err[-2000:]}"
                assert [e["code"] for e in report["exports"]] == [0], report
                q = f'e2e.tag:="{tag}"'
                wait_for(f"{name}: 4 records searchable", lambda: target.count(q) == 4)
                status, rows = target.query(q)
                assert status == 200, rows
                check_rows(rows, tag, sent_from, sent_to)
                assert target.count(f'{q} trace_id:="4bf92f3577b34da6a3ce929d0e0e4736"') == 1
                assert target.count(f'{{service.name="checkout",e2e.tag="{tag}"}}') == 4
                if target is single:
                    assert metric(target, 'vl_rows_ingested_total{type="opentelemetry"}') == 4

            check.run(f"{name}: protobuf exporter ({compression}) records stored and queryable", protobuf_exporter)

            def json_exporter_refused(target=target, name=name):
                before = target.count()
                errors_before = metric(target, f'vl_http_errors_total{{path="{PATH}"}}')
                code, report, err = run_client(target, "json", "none", f"{name}-json")
                assert code == 1, f"{name}: JSON export not reported as failed ({code}): {err[-2000:]}"
                assert report and [e["code"] for e in report["exports"]] == [1], report
                assert "Bad Request" in report["exports"][0]["error"], report
                assert metric(target, f'vl_http_errors_total{{path="{PATH}"}}') == errors_before + 1
                status, body, _ = post(target, b'{"resourceLogs":[]}', "application/json")
                assert status == 400 and b"protobuf" in body, (status, body)
                flush_storage()
                assert target.count() == before, "a refused JSON request stored rows"

            check.run(f"{name}: JSON exporter refused with 400, nothing stored", json_exporter_refused)

            def bad_protobuf(target=target, name=name):
                before = target.count()
                status, body, _ = post(target, b"\x0a\xff\x01", "application/x-protobuf")
                assert status == 400 and b"cannot unmarshal" in body, (status, body)
                status, body, _ = post(target, b"", "application/x-protobuf")
                assert status == 200 and body == b"", (status, body)  # an empty request is valid
                flush_storage()
                assert target.count() == before
                status, _, _ = target.get("/health")
                assert status == 200

            check.run(f"{name}: malformed protobuf answered 400, empty request 200, node up", bad_protobuf)
    finally:
        for s in servers:
            s.cleanup()
    check.finish()


if __name__ == "__main__":
    main()
