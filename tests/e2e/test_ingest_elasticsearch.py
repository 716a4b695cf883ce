"""Elasticsearch bulk intake with the official `@elastic/elasticsearch` client's bulk helper
(tests/e2e/clients, installed by scripts/install-test-clients.sh), on a single node and through a
router over two nodes: documents come back with their fields, stream and time; a bad document
gets its own 400 item (the helper drops only it) while the others are stored; the shipper's
setup calls (version, license, templates) are answered."""
import json
import os
import subprocess
import tempfile

from vlserver import Check, binary_from_args, node_and_cluster, wait_for

CLIENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clients")

DOCS = [
    {"@timestamp": "2025-01-01T00:00:01Z", "message": "es first", "service": {"name": "api"}, "level": "info"},
    {"@timestamp": "2025-01-01T00:00:02Z", "message": "es second", "service": {"name": "api"}, "level": "warn",
     "http": {"status": 503}},
    {"@timestamp": "not a time", "message": "es bad time", "service": {"name": "api"}},
    {"@timestamp": 1735689603000, "message": "es third", "service": {"name": "db"}, "tags": ["a", "b"]},
]


def run_client(server, docs):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(docs, f)
        name = f.name
    try:
        out = subprocess.run(["node", os.path.join(CLIENTS, "es_bulk.mjs"), f"{server.url}/insert/elasticsearch", name],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, f"client failed: {out.stderr[-2000:]}"
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        os.remove(name)


def main():
    binary = binary_from_args()
    check = Check()
    flags = ["-retentionPeriod=100y"]
    with node_and_cluster(binary, flags) as targets:
        for name, target in targets:
            def bulk_helper(target=target, name=name):
                stats = run_client(target, DOCS)
                assert stats["total"] == 4 and stats["successful"] == 3 and stats["failed"] == 1, f"{name}: {stats}"
                assert stats["dropped"][0]["status"] == 400 and "timestamp" in stats["dropped"][0]["reason"], stats
                assert stats["version"] == "8.9.0", stats
                wait_for(f"{name}: 3 documents searchable", lambda: target.count() == 3)
                status, rows = target.query("* | sort by (_time) | fields _time, _msg, service.name, level, "
                                            "http.status, tags")
                assert status == 200, rows
                assert rows == [
                    {"_time": "2025-01-01T00:00:01Z", "_msg": "es first", "service.name": "api", "level": "info"},
                    {"_time": "2025-01-01T00:00:02Z", "_msg": "es second", "service.name": "api", "level": "warn",
                     "http.status": "503"},
                    {"_time": "2025-01-01T00:00:03Z", "_msg": "es third", "service.name": "db", "tags": '["a","b"]'},
                ], rows

            check.run(f"{name}: official client's bulk helper; a bad document fails alone", bulk_helper)

            def stream_fields_and_probes(target=target, name=name):
                status, body, headers = target.request(
                    "POST", "/insert/elasticsearch/_bulk?_stream_fields=service.name",
                    body=b'{"create":{}}\n{"message":"with stream","service":{"name":"web"},"@timestamp":"2025-01-02T00:00:00Z"}\n',
                    headers={"Content-Type": "application/x-ndjson"})
                answer = json.loads(body)
                assert status == 200 and answer["errors"] is False and answer["items"] == [{"create": {"status": 201}}], body
                assert headers.get("X-Elastic-Product") == "Elasticsearch", headers
                wait_for("the streamed document", lambda: target.count('_stream:{service.name="web"}') == 1)
                for path, want in (("/insert/elasticsearch/", "8.9.0"), ("/insert/elasticsearch/_license", "oss"),
                                   ("/insert/elasticsearch/_index_template/logs", "{}"),
                                   ("/insert/elasticsearch/_ilm/policy/p", "{}")):
                    status, body, _ = target.get(path)
                    assert status == 200 and want in body.decode(), f"{name} {path}: {status} {body[:200]}"

            check.run(f"{name}: stream fields, per-item answer and shipper probes", stream_fields_and_probes)
    check.finish()


if __name__ == "__main__":
    main()
