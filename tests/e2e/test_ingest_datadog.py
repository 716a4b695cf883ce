"""DataDog logs intake (/insert/datadog/api/v2/logs) on a single node and through a router over
two nodes, sent with curl as the DataDog agent posts it (gzip JSON array): tags without a value
and attributes of any JSON type are kept, the serverless message object is unpacked, the
timestamp comes from `timestamp` (ms) or the `dd-message-timestamp` header, an odd record is
skipped while its neighbours are stored, and a body that is not JSON gets 400."""
import gzip
import json
import os
import subprocess
import tempfile

from vlserver import Check, binary_from_args, node_and_cluster, wait_for

T0_MS = 1735689600000  # 2025-01-01T00:00:00Z


def curl_post(server, path, body, headers=()):
    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(body)
        name = f.name
    try:
        cmd = ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "20", "-X", "POST",
               "--data-binary", f"@{name}", f"{server.url}{path}"]
        for h in headers:
            cmd += ["-H", h]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout
        body, _, code = out.rpartition("\n")
        return int(code), body
    finally:
        os.remove(name)


RECORDS = [
    {"message": "disk almost full", "ddtags": "env:prod,urgent,team:storage", "hostname": "h1",
     "service": "api", "ddsource": "nginx", "timestamp": T0_MS + 1000,
     "attrs": {"retries": 3, "ok": False, "ids": [1, 2]}, "latency": 1.5},
    "not an object",
    {"message": {"message": "lambda done", "status": "info", "lamdba": {"arn": "arn:aws:x", "request_id": "r1"}},
     "service": "fn", "timestamp": T0_MS + 2000},
    {"message": "no timestamp, header has it", "service": "api"},
]


def main():
    binary = binary_from_args()
    check = Check()
    flags = ["-retentionPeriod=100y"]
    with node_and_cluster(binary, flags) as targets:
        for name, target in targets:
            def ingest_and_query(target=target, name=name):
                body = gzip.compress(json.dumps(RECORDS).encode())
                code, text = curl_post(target, "/insert/datadog/api/v2/logs?_stream_fields=service", body,
                                       ["Content-Type: application/json", "Content-Encoding: gzip",
                                        f"dd-message-timestamp: {T0_MS + 3000}", "DD-API-KEY: anything"])
                assert code == 202 and text == "{}", f"{name}: {code} {text}"
                q = "* | sort by (_time) | fields _time, _msg, _stream, env, urgent, team, attrs.retries, " \
                    "attrs.ok, attrs.ids, latency, status, arn, request_id, hostname"
                wait_for(f"{name}: 3 rows searchable", lambda: target.count() == 3)
                status, rows = target.query(q)
                assert status == 200, rows
                assert rows[0] == {"_time": "2025-01-01T00:00:01Z", "_msg": "disk almost full",
                                   "_stream": '{service="api"}', "env": "prod", "urgent": "no_label_value",
                                   "team": "storage", "attrs.retries": "3", "attrs.ok": "false",
                                   "attrs.ids": "[1,2]", "latency": "1.5", "hostname": "h1"}, rows[0]
                assert rows[1] == {"_time": "2025-01-01T00:00:02Z", "_msg": "lambda done",
                                   "_stream": '{service="fn"}', "status": "info", "arn": "arn:aws:x",
                                   "request_id": "r1"}, rows[1]
                assert rows[2] == {"_time": "2025-01-01T00:00:03Z", "_msg": "no timestamp, header has it",
                                   "_stream": '{service="api"}'}, rows[2]

            check.run(f"{name}: agent-shaped batch stored, odd record skipped", ingest_and_query)

            def bad_bodies(target=target, name=name):
                code, text = curl_post(target, "/insert/datadog/api/v2/logs", b"{not json",
                                       ["Content-Type: application/json"])
                assert code == 400 and "JSON" in text, f"{name}: {code} {text}"
                code, text = curl_post(target, "/insert/datadog/api/v2/logs", b'{"message":"x"}',
                                       ["Content-Type: application/json"])
                assert code == 400 and "array" in text, f"{name}: {code} {text}"
                code, text = curl_post(target, "/insert/datadog/api/v1/validate", b"", [])
                assert code == 200 and text == "{}", f"{name}: {code} {text}"
                assert target.count() == 3, "a bad body stored rows"
                status, _, _ = target.get("/health")
                assert status == 200

            check.run(f"{name}: bad bodies answered 400, nothing stored, node up", bad_bodies)
    check.finish()


if __name__ == "__main__":
    main()
