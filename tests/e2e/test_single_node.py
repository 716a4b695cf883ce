"""Single-node server end to end: ingest JSON lines, query LogsQL, restart, bad input, flags."""
import json
import os
import subprocess
import tempfile
import time
import urllib.parse
from datetime import datetime, timedelta, timezone

from vlserver import Check, Server, binary_from_args

BINARY = binary_from_args()


# Fixture rows sit at 10:00 UTC yesterday, always inside the default 7d retention.
DAY = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")


def rows_fixture():
    base = f"{DAY}T10:00:00"
    return [
        {"_time": f"{base}.000Z", "_msg": "GET /api/users 200", "app": "web", "host": "h1", "status": "200"},
        {"_time": f"{base}.100Z", "_msg": "error: connection refused", "app": "web", "host": "h2", "status": "500"},
        {"_time": f"{base}.200Z", "_msg": "errors are fine", "app": "api", "host": "h1", "level": "info"},
        {"_time": f"{base}.300Z", "_msg": "user logged in", "app": "api", "host": "h2",
         "user": {"id": 42, "name": "Ann"}},
        {"_time": f"{base}.400Z", "_msg": "ошибка записи файла", "app": "api", "host": "h3", "level": "error"},
    ]


def main():
    check = Check()
    server = Server(BINARY).start()
    try:
        def ingest_and_query():
            status, body, _ = server.ingest(rows_fixture(), params="_stream_fields=app")
            assert status == 200, body
            server.flush()
            assert server.count() == 5
            status, rows = server.query("error")
            assert status == 200
            assert [r["_msg"] for r in rows] == ["error: connection refused"], rows
            row = rows[0]
            assert row["_time"] == f"{DAY}T10:00:00.1Z", row
            assert row["_stream"] == '{app="web"}', row
            assert len(row["_stream_id"]) == 48, row
            assert list(row.keys())[:4] == ["_time", "_stream_id", "_stream", "_msg"], row
            assert row["host"] == "h2" and row["status"] == "500"

        def filters():
            cases = {
                "error": 1,                     # word on token boundaries: "errors" does not match
                "err*": 2,
                '"connection refused"': 1,
                "app:api": 3,
                "{app=\"api\"}": 3,
                "{app=~\"w.*\"}": 2,
                "user.id:42": 1,
                "level:*": 2,
                'level:""': 3,
                "error OR errors": 2,
                "app:api -level:info": 2,
                "!app:web": 3,
                "(h1 OR h2) app:web": 0,        # host values are not in _msg
                "host:(h1 OR h2) app:web": 2,
                "ошибка": 1,
                f"_time:[{DAY}T10:00:00.100Z, {DAY}T10:00:00.300Z)": 2,
                f"_time:>{DAY}T10:00:00.300Z": 1,
            }
            for q, want in cases.items():
                got = server.count(q)
                assert got == want, f"{q}: got {got}, want {want}"

        def pipes():
            status, rows = server.query("* | stats by (app) count() as c | sort by (app)")
            assert status == 200 and rows == [{"app": "api", "c": "3"}, {"app": "web", "c": "2"}], rows
            status, rows = server.query("* | sort by (_time desc) | limit 2 | fields _msg")
            assert [r["_msg"] for r in rows] == ["ошибка записи файла", "user logged in"], rows
            status, rows = server.query("* | sort by (_time) | offset 3 | fields host")
            assert rows == [{"host": "h2"}, {"host": "h3"}], rows
            status, rows = server.query("app:web | head 1 | fields app")
            assert rows == [{"app": "web"}], rows

        def limit_returns_newest():
            status, rows = server.query("*", limit="2")
            assert status == 200
            assert [r["_msg"] for r in rows] == ["user logged in", "ошибка записи файла"], rows

        def start_end_args():
            got = server.count("*", start=f"{DAY}T10:00:00.150Z", end=f"{DAY}T10:00:00.300Z")
            assert got == 2, got
            status, body = server.query("*", start="yesterday-ish")
            assert status == 400 and "start" in body, body

        def post_form_query():
            body = urllib.parse.urlencode({"query": "app:web | stats count() as c"}).encode()
            status, data, _ = server.request("POST", "/select/logsql/query", body=body,
                                             headers={"Content-Type": "application/x-www-form-urlencoded"})
            assert status == 200 and json.loads(data) == {"c": "2"}, data

        def bad_queries():
            for q in ["foo |", "(a OR b", "_time:[2020, ", "* | stats by (x) nosuchfunc()", "* | sort by ("]:
                status, body = server.query(q)
                assert status == 400, (q, status, body)
                assert "position" in body or "pos" in body, (q, body)
            status, body = server.query("")
            assert status == 400, body

        def bad_lines_keep_good_ones():
            lines = ['{"_msg":"good one","batch":"b1"}\n', '{"_msg": broken\n', 'not json at all\n',
                     '{"_msg":"good two","batch":"b1"}\n', '[1,2]\n']
            status, body, _ = server.ingest(lines)
            assert status == 200, body
            server.flush()
            assert server.count("batch:b1") == 2
            log = server.read_log()
            assert "line 2" in log and "line 3" in log and "line 5" in log, log[-3000:]

        def all_bad_lines_is_400():
            status, body, _ = server.ingest(['{"_msg": nope\n'])
            assert status == 400, (status, body)

        def too_long_line_skipped():
            long_line = json.dumps({"_msg": "x" * 300_000, "batch": "long"}) + "\n"
            ok_line = json.dumps({"_msg": "short", "batch": "long"}) + "\n"
            status, body, _ = server.ingest([ok_line, long_line, ok_line])
            assert status == 200, body
            server.flush()
            assert server.count("batch:long") == 2

        def gzip_body_and_params():
            ts_ms = int(datetime.fromisoformat(f"{DAY}T10:00:00+00:00").timestamp() * 1000) + 123
            lines = [{"message": "zipped hello", "ts": str(ts_ms), "k": "gz"}]
            status, body, _ = server.ingest(lines, params="_msg_field=message&_time_field=ts", compress="gzip")
            assert status == 200, body
            server.flush()
            status, rows = server.query("k:gz")
            assert rows[0]["_msg"] == "zipped hello" and rows[0]["_time"] == f"{DAY}T10:00:00.123Z", rows

        def headers_params_and_tenants():
            lines = [{"msg": "tenant row", "svc": "t"}]
            status, body, _ = server.ingest(lines, headers={"VL-Msg-Field": "msg", "AccountID": "7",
                                                            "ProjectID": "3", "VL-Stream-Fields": "svc"})
            assert status == 200, body
            server.flush()
            assert server.count("svc:t") == 0  # default tenant does not see it
            status, rows = server.query("svc:t", headers={"AccountID": "7", "ProjectID": "3"})
            assert status == 200 and rows[0]["_msg"] == "tenant row" and rows[0]["_stream"] == '{svc="t"}', rows
            assert rows[0]["_stream_id"].startswith("0000000700000003"), rows
            status, body, _ = server.ingest(lines, headers={"AccountID": "abc"})
            assert status == 400 and b"AccountID" in body

        def curl_form_content_type_is_still_logs():
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                for i in range(3):
                    f.write(json.dumps({"_msg": f"curl line {i}", "via": "curl"}) + "\n")
                path = f.name
            try:
                out = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                                      "--data-binary", "@" + path, server.url + "/insert/jsonline"],
                                     capture_output=True, text=True, timeout=30)
                assert out.stdout == "200", out
            finally:
                os.remove(path)
            server.flush()
            assert server.count("via:curl") == 3

        def get_insert_is_405():
            status, _, _ = server.get("/insert/jsonline")
            assert status == 405

        def health_and_metrics():
            status, body, _ = server.get("/health")
            assert status == 200 and body == b"OK"
            status, body, _ = server.get("/metrics")
            text = body.decode()
            assert status == 200
            for name in ["vl_rows_ingested_total", "vl_bytes_ingested_total", "vl_rows_dropped_total",
                         "vl_queries_total", "vl_query_errors_total", "vl_storage_parts", "vl_data_size_bytes"]:
                assert name in text, name
            status, body, _ = server.get("/nope")
            assert status == 400 and b"unsupported path" in body

        def retention_rejects_old_rows():
            status, body, _ = server.ingest([{"_msg": "ancient", "_time": "2001-01-01T00:00:00Z", "old": "yes"}])
            assert status == 200, body
            server.flush()
            assert server.count("old:yes") == 0
            _, body, _ = server.get("/metrics")
            assert 'vl_rows_dropped_total{reason="too_small_timestamp"} 1' in body.decode(), body.decode()

        def restart_keeps_everything():
            before = server.count()
            assert server.stop() == 0
            server.start()
            assert server.count() == before
            status, rows = server.query("error")
            assert rows[0]["_msg"] == "error: connection refused"

        def searchable_within_a_second_without_flush():
            server.ingest([{"_msg": "fresh row", "fresh": "1"}])
            deadline = time.time() + 60  # polled: the flusher runs every second
            while time.time() < deadline and server.count("fresh:1") == 0:
                time.sleep(0.1)
            assert server.count("fresh:1") == 1

        for fn in [ingest_and_query, filters, pipes, limit_returns_newest, start_end_args, post_form_query,
                   bad_queries, bad_lines_keep_good_ones, all_bad_lines_is_400, too_long_line_skipped,
                   gzip_body_and_params, headers_params_and_tenants, curl_form_content_type_is_still_logs,
                   get_insert_is_405, health_and_metrics, retention_rejects_old_rows, restart_keeps_everything,
                   searchable_within_a_second_without_flush]:
            check.run(fn.__name__, fn)
    finally:
        server.cleanup()

    def flag_errors():
        for flags, needle in [(["-nosuchflag=1"], "nosuchflag"), (["-retentionPeriod=abc"], "retentionPeriod"),
                              (["-storageNode=bad"], "storageNode"), (["-loggerLevel=LOUD"], "loggerLevel")]:
            out = subprocess.run([BINARY] + flags, capture_output=True, text=True, timeout=30)
            assert out.returncode != 0, flags
            assert needle in out.stderr + out.stdout, (flags, out.stderr)
        out = subprocess.run([BINARY, "-version"], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0 and out.stdout.strip(), out

    check.run("flag_errors", flag_errors)
    check.finish()


if __name__ == "__main__":
    main()
