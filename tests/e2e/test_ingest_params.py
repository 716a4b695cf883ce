"""Ingestion and query parameters end to end on a single node: the `time` argument of
/select/logsql/query (the moment relative `_time` filters are evaluated against), `debug` (rows
logged and counted, never stored), `ignore_fields` (with `prefix*` patterns) and `extra_fields`
(extra values win over same-named fields), each as query args and as `VL-*` headers, request
bodies in deflate, zstd and snappy (and corrupt ones refused), and -futureRetention."""
import json
import time
import urllib.parse
import zlib
from datetime import datetime, timedelta, timezone

import snappy
import zstandard

from vlserver import DEADLINE_S, Check, Server, binary_from_args, metric, wait_for

BINARY = binary_from_args()

# Rows of the `time` case sit at 10:00 UTC yesterday: inside retention, hours away from now.
DAY = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")




def body_of(rows):
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def post_lines(server, rows, params="", headers=None, body=None):
    """POST /insert/jsonline with an explicit body (already encoded when `body` is given)."""
    path = "/insert/jsonline" + ("?" + params if params else "")
    return server.request("POST", path, body=body if body is not None else body_of(rows), headers=headers or {})




def dropped_debug_rows(server):
    return metric(server, 'vl_rows_dropped_total{reason="debug"}')


def only_row(server, q):
    server.flush()
    status, rows = server.query(q)
    assert status == 200 and len(rows) == 1, (q, status, rows)
    return rows[0]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def time_arg_cases(check, server):
    def relative_filters_use_time():
        rows = [{"_time": f"{DAY}T10:00:00.{k}00Z", "_msg": f"evaluated at time {k}", "tcase": "rel"}
                for k in range(3)]
        status, body, _ = server.ingest(rows)
        assert status == 200, body
        server.flush()
        just_after, later = f"{DAY}T10:03:00Z", f"{DAY}T10:20:00Z"
        cases = [
            ("tcase:rel", None, 3),  # the rows are there
            # Just after the rows: the last 5 minutes (and the last hour) hold them.
            ("tcase:rel _time:5m", just_after, 3),
            ("tcase:rel _time:1h", just_after, 3),
            # Without `time` the filters look back from now: yesterday's rows are out of reach.
            ("tcase:rel _time:5m", None, 0),
            ("tcase:rel _time:1h", None, 0),
            # Twenty minutes later the last 5 minutes are empty again, the last hour is not.
            ("tcase:rel _time:5m", later, 0),
            ("tcase:rel _time:1h", later, 3),
        ]
        for q, at, want in cases:
            got = server.count(q, **({"time": at} if at else {}))
            assert got == want, f"{q} at time={at}: got {got}, want {want}"

    def bad_time_is_400():
        bad = "half past nine"
        status, body = server.query("*", time=bad)
        assert status == 400, (status, body)
        assert "time" in body.replace(bad, ""), body  # names the argument, not just echoes the value

    check.run("time_arg_moves_relative_filters", relative_filters_use_time)
    check.run("bad_time_arg_is_400", bad_time_is_400)


def debug_cases(check, server):
    def debug_rows_logged_not_stored(how, params, headers):
        marker = f"dbg{how}{int(time.time() * 1000)}"
        before = dropped_debug_rows(server)
        rows = [{"_msg": f"debug probe {marker} {k}", "dbgcase": marker} for k in range(2)]
        status, body, _ = post_lines(server, rows, params=params, headers=headers)
        assert status == 200, (status, body)
        server.flush()
        assert server.count(f"dbgcase:{marker}") == 0, "debug rows were stored"
        # Each row is logged with its fields (the marker is in two of them).
        wait_for(f"the debug rows in the log ({marker})", lambda: server.read_log().count(marker) >= 4)
        after = dropped_debug_rows(server)
        assert after == before + 2, f"vl_rows_dropped_total{{reason=\"debug\"}} went from {before} to {after}"
        # The same rows without debug are stored: the check above could see them.
        status, body, _ = post_lines(server, rows)
        assert status == 200, body
        server.flush()
        assert server.count(f"dbgcase:{marker}") == 2

    def bad_debug_value_is_400():
        status, body, _ = post_lines(server, [{"_msg": "x"}], params="debug=maybe")
        assert status == 400 and b"debug" in body, (status, body)

    check.run("debug_arg_logs_rows_and_stores_nothing",
              lambda: debug_rows_logged_not_stored("arg", "debug=1", None))
    check.run("vl_debug_header_logs_rows_and_stores_nothing",
              lambda: debug_rows_logged_not_stored("hdr", "", {"VL-Debug": "true"}))
    check.run("bad_debug_value_is_400", bad_debug_value_is_400)


def ignore_and_extra_cases(check, server):
    def ignore_fields(case, params, headers):
        row = {"_msg": f"ignore probe {case}", "icase": case, "app": "shop", "secret": "hunter2",
               "tmp_a": "1", "tmp_b": "2", "tmpx": "kept", "keep": "yes"}
        status, body, _ = post_lines(server, [row], params=params, headers=headers)
        assert status == 200, body
        got = only_row(server, f"icase:{case}")
        for name in ["secret", "tmp_a", "tmp_b"]:
            assert name not in got, (name, got)
        # `tmp_*` is a prefix of `tmp_`, not of `tmp`: tmpx stays, as does everything else.
        assert got["tmpx"] == "kept" and got["keep"] == "yes" and got["app"] == "shop", got
        # An ignored field is no stream label either.
        assert got["_stream"] == '{app="shop"}', got

    def extra_fields(case, params, headers):
        rows = [{"_msg": f"extra probe {case} 0", "ecase": case, "n": "0"},
                {"_msg": f"extra probe {case} 1", "ecase": case, "n": "1", "env": "dev"}]
        status, body, _ = post_lines(server, rows, params=params, headers=headers)
        assert status == 200, body
        server.flush()
        status, got = server.query(f"ecase:{case} | sort by (n)")
        assert status == 200 and len(got) == 2, got
        for r in got:
            # Added to every row; the row's own env=dev gives way to the extra value.
            assert r["env"] == "prod" and r["dc"] == "eu-1", r
            # Listed in _stream_fields, the extra field is a stream label.
            assert r["_stream"] == '{env="prod"}', r

    def malformed_extra_fields_is_400():
        status, body, _ = post_lines(server, [{"_msg": "x", "ecase": "bad"}], params="extra_fields=novalue")
        assert status == 400 and b"extra_fields" in body, (status, body)
        server.flush()
        assert server.count("ecase:bad") == 0

    ignore = "secret,tmp_*"
    extra = "env=prod,dc=eu-1"
    check.run("ignore_fields_arg", lambda: ignore_fields(
        "arg", "_stream_fields=app,secret&ignore_fields=" + urllib.parse.quote(ignore), None))
    check.run("vl_ignore_fields_header", lambda: ignore_fields(
        "hdr", "", {"VL-Ignore-Fields": ignore, "VL-Stream-Fields": "app,secret"}))
    check.run("extra_fields_arg", lambda: extra_fields(
        "arg", "_stream_fields=env&extra_fields=" + urllib.parse.quote(extra), None))
    check.run("vl_extra_fields_header", lambda: extra_fields(
        "hdr", "", {"VL-Extra-Fields": extra, "VL-Stream-Fields": "env"}))
    check.run("malformed_extra_fields_is_400", malformed_extra_fields_is_400)


# Corrupt bodies go wrong right at the start, so not even a prefix of them decodes; the JSON line
# after the bad bytes would be stored by a server that read them as plain text.
CORRUPT_TAIL = b'\n{"_msg":"from a corrupt body","corrupt":"1"}\n'
ENCODINGS = {
    # zlib-wrapped deflate; the corrupt one has a valid zlib header, then a reserved block type.
    "deflate": (zlib.compress, b"\x78\x9c\xff\xff\xff\xff" + CORRUPT_TAIL),
    # A zstd frame; the corrupt one has the magic number and a frame header, then a bad block.
    "zstd": (lambda b: zstandard.ZstdCompressor().compress(b),
             b"\x28\xb5\x2f\xfd\x20\x00" + b"\xff" * 12 + CORRUPT_TAIL),
    # Snappy block format; the corrupt one claims 64 bytes, then copies from far before the start.
    "snappy": (snappy.compress, b"\x40" + b"\xff" * 9 + CORRUPT_TAIL),
}


def encoding_cases(check, server):
    def stored(encoding):
        compress, _ = ENCODINGS[encoding]
        rows = [{"_msg": f"{encoding} body row {k}", "enc": encoding, "k": str(k)} for k in range(5)]
        plain = body_of(rows)
        body = compress(plain)
        assert body != plain
        status, resp, _ = post_lines(server, None, body=body, headers={"Content-Encoding": encoding})
        assert status == 200, (status, resp)
        server.flush()
        status, got = server.query(f"enc:{encoding} | sort by (k)")
        assert status == 200 and [r["_msg"] for r in got] == [r["_msg"] for r in rows], got

    def corrupt_refused(encoding):
        _, corrupt = ENCODINGS[encoding]
        before = server.count("*")
        status, resp, _ = post_lines(server, None, body=corrupt, headers={"Content-Encoding": encoding})
        assert status == 400, (status, resp)
        assert encoding.encode() in resp.lower(), resp
        server.flush()
        after = server.count("*")
        assert after == before, f"a corrupt body stored rows: {before} -> {after}"

    for encoding in ENCODINGS:
        check.run(f"{encoding}_body_stored", lambda e=encoding: stored(e))
        check.run(f"corrupt_{encoding}_body_is_400", lambda e=encoding: corrupt_refused(e))


def future_retention_cases(check, server):
    def future_row(marker):
        t = datetime.now(timezone.utc) + timedelta(days=3)
        return [{"_time": iso(t), "_msg": f"from the future {marker}", "fcase": marker}]

    def default_drops_three_days_ahead():
        before = metric(server, 'vl_rows_dropped_total{reason="too_big_timestamp"}')
        status, body, _ = server.ingest(future_row("dflt"))
        assert status == 200, body
        server.flush()
        got = server.count("fcase:dflt")
        assert got == 0, f"a row 3 days ahead was stored under the default -futureRetention: {got}"
        after = metric(server, 'vl_rows_dropped_total{reason="too_big_timestamp"}')
        assert after == before + 1, (before, after)

    def five_days_keeps_three_days_ahead():
        wide = Server(BINARY, extra_flags=["-futureRetention=5d"]).start()
        try:
            status, body, _ = wide.ingest(future_row("wide"))
            assert status == 200, body
            wide.flush()
            got = wide.count("fcase:wide")
            assert got == 1, f"a row 3 days ahead was not stored under -futureRetention=5d: {got}"
            dropped = metric(wide, 'vl_rows_dropped_total{reason="too_big_timestamp"}')
            assert dropped == 0, dropped
        finally:
            wide.cleanup()

    check.run("default_future_retention_drops_row_3d_ahead", default_drops_three_days_ahead)
    check.run("future_retention_5d_keeps_row_3d_ahead", five_days_keeps_three_days_ahead)


def main():
    check = Check()
    server = Server(BINARY).start()
    try:
        time_arg_cases(check, server)
        debug_cases(check, server)
        ignore_and_extra_cases(check, server)
        encoding_cases(check, server)
        future_retention_cases(check, server)
    finally:
        server.cleanup()
    check.finish()


if __name__ == "__main__":
    main()
