"""Every /select/logsql/* endpoint end to end on a small fixed data set (2025-01-01, two tenants),
on a single node and through a router over two storage nodes, by GET and by POST form: the
answers match the expected ones exactly and are the same everywhere. Also live tailing, the
operational endpoints, error answers, huge URLs and headers, `-httpListenAddr=...:0`, and how a
slow query behaves when its client goes away, its `timeout` passes or all query slots are busy."""
import collections
import gzip
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import uuid
from datetime import datetime, timezone

from vlserver import Check, Server, binary_from_args, metric, wait_for

BINARY = binary_from_args()
T_START = time.time()

# The fixture is in the past: keep it from the default 7d retention.
FLAGS = ["-retentionPeriod=10y"]
START = "2025-01-01T00:00:00Z"
END = "2025-01-01T03:00:00Z"  # no fixture row at 03:00 (the range is inclusive on both ends)
EPOCH0 = 1735689600  # 2025-01-01T00:00:00Z in Unix seconds
END_S = EPOCH0 + 3 * 3600

T0 = (0, 0)
T1 = (1, 0)
T_TAIL = (3, 0)  # live-tail rows (timestamped now) go here, away from the fixture


def ts(hh, mm):
    return f"2025-01-01T{hh:02d}:{mm:02d}:00Z"


def ts_secs(s):
    return int(datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


def fmt_secs(secs):
    return datetime.fromtimestamp(secs, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# Tenant 0:0: 12 rows over three hours; apps a/b/c have 5/4/3 rows, levels info/warn/error 6/4/2,
# hosts h1/h2 6/4 (two rows have no host), hours 00/01/02 have 5/4/3 rows; env is constant.
T0_SPEC = [
    ((0, 5), "a", "info", "h1"), ((0, 10), "a", "info", "h2"), ((0, 20), "b", "warn", "h1"),
    ((0, 30), "a", "error", "h1"), ((0, 40), "c", "info", None), ((1, 5), "b", "info", "h2"),
    ((1, 15), "a", "warn", "h1"), ((1, 25), "b", "info", "h1"), ((1, 35), "c", "warn", None),
    ((2, 0), "a", "info", "h2"), ((2, 10), "b", "warn", "h1"), ((2, 20), "c", "error", "h2"),
]
T0_ROWS = []
for _i, ((_h, _m), _app, _level, _host) in enumerate(T0_SPEC):
    _row = {"_time": ts(_h, _m), "_msg": f"req-{_i:02d} {_level}", "app": _app, "env": "prod", "level": _level}
    if _host:
        _row["host"] = _host
    T0_ROWS.append(_row)

# Tenant 1:0: 4 rows of one stream, with a field only this tenant has.
T1_ROWS = [{"_time": ts(h, m), "_msg": f"tenant-one row {i}", "app": "x", "env": "dev", "level": "debug",
            "t1only": "yes"} for i, (h, m) in enumerate([(0, 15), (0, 45), (1, 50), (2, 45)])]

ROWS = {T0: T0_ROWS, T1: T1_ROWS}
# Text that must never show up in the other tenant's answers.
FORBIDDEN = {T0: ["t1only", "debug", "tenant-one", "dev"], T1: ["prod", "req-", "info", "warn", "h1", "h2"]}


def tenant_headers(tenant):
    return {"AccountID": str(tenant[0]), "ProjectID": str(tenant[1])}


def header(headers, name):
    for k, v in headers.items():
        if k.lower() == name.lower():
            return v
    return ""


def ask(srv, path, params, tenant=T0, method="GET", headers=None, timeout=30):
    """GET with a query string or POST with a form body; returns (status, body bytes, headers)."""
    h = tenant_headers(tenant) if tenant is not None else {}
    h.update(headers or {})
    query = urllib.parse.urlencode(params, doseq=True)
    if method == "GET":
        return srv.request("GET", path + ("?" + query if query else ""), headers=h, timeout=timeout)
    h["Content-Type"] = "application/x-www-form-urlencoded"
    return srv.request("POST", path, body=query.encode(), headers=h, timeout=timeout)


def excerpt(body, n=300):
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    return text[:n] + ("..." if len(text) > n else "")


class Cluster:
    """The servers every fixture check runs against; each one started is added to `started`."""

    def __init__(self, started):
        def start(server):
            started.append(server)
            return server.start()
        self.single = start(Server(BINARY, extra_flags=FLAGS))
        self.nodes = [start(Server(BINARY, extra_flags=FLAGS)), start(Server(BINARY, extra_flags=FLAGS))]
        self.router = start(Server(BINARY, storage_nodes=self.nodes, extra_flags=FLAGS))
        self.targets = [("single", self.single), ("cluster", self.router)]
        self.stream_ids = {}  # (tenant, app) -> _stream_id seen on the single node


def check_endpoint(cl, path, params, tenant, validate, canon=None, content_type="application/json", parse="json"):
    """Asks every target by GET and by POST; `validate(data)` raises AssertionError on a wrong answer;
    `canon(data)` (default: data itself) must be equal over all four answers."""
    problems = []
    canon = canon or (lambda d: d)
    seen = []
    for tname, srv in cl.targets:
        for method in ("GET", "POST"):
            where = f"{path} [{tname}, {method}, tenant {tenant[0]}:{tenant[1]}] params={params}"
            try:
                status, body, headers = ask(srv, path, params, tenant, method)
            except OSError as e:
                problems.append(f"{where}: request failed: {e!r}")
                continue
            if status != 200:
                problems.append(f"{where}: status {status}, want 200; body: {excerpt(body)}")
                continue
            ctype = header(headers, "Content-Type")
            if content_type and not ctype.startswith(content_type):
                problems.append(f"{where}: Content-Type {ctype!r}, want {content_type}")
            for bad in FORBIDDEN.get(tenant, []):
                if bad.encode() in body:
                    problems.append(f"{where}: answer shows {bad!r} of another tenant: {excerpt(body)}")
            try:
                if parse == "json":
                    data = json.loads(body)
                else:
                    data = [json.loads(line) for line in body.decode().splitlines() if line]
            except ValueError as e:
                problems.append(f"{where}: not JSON ({e}): {excerpt(body)}")
                continue
            try:
                validate(data)
            except AssertionError as e:
                problems.append(f"{where}: {e}")
                continue
            seen.append((tname, method, canon(data)))
    for tname, method, c in seen[1:]:
        if c != seen[0][2]:
            problems.append(f"{path} params={params} tenant {tenant}: {tname} {method} answer differs from "
                            f"{seen[0][0]} {seen[0][1]}:\n  {c}\n  vs\n  {seen[0][2]}")
    if problems:
        raise AssertionError("\n".join(merge_problems(problems)))


def merge_problems(problems):
    """One line for a failure seen the same way on several targets/methods."""
    merged = collections.OrderedDict()
    for p in problems:
        m = re.match(r"(\S+) \[([^\]]*)\](.*?): (.*)", p, re.S)
        if not m:
            merged.setdefault(p, [])
            continue
        key = (m.group(1), m.group(3), m.group(4))
        merged.setdefault(key, []).append(m.group(2))
    out = []
    for key, wheres in merged.items():
        if isinstance(key, str):
            out.append(key)
        else:
            out.append(f"{key[0]} [{'; '.join(wheres)}]{key[1]}: {key[2]}")
    return out


def expect_equal(want):
    def validate(got):
        assert got == want, f"\n  expected {json.dumps(want)}\n  got      {json.dumps(got)}"
    return validate


def check_error(cl, path, params, tenant, statuses, needle=None, json_error=False, targets=None):
    """Every target answers with one of `statuses` (both GET and POST), never with the generic
    unknown-path answer; `needle` must appear in the body; stats endpoints answer Prometheus JSON."""
    problems = []
    for tname, srv in targets or cl.targets:
        for method in ("GET", "POST"):
            where = f"{path} [{tname}, {method}] params={params}"
            status, body, _ = ask(srv, path, params, tenant, method)
            text = body.decode("utf-8", "replace")
            if status not in statuses:
                problems.append(f"{where}: status {status}, want one of {statuses}; body: {excerpt(body)}")
                continue
            if "unsupported path requested" in text:
                problems.append(f"{where}: endpoint missing: {excerpt(body)}")
                continue
            if needle and needle not in text:
                problems.append(f"{where}: body lacks {needle!r}: {excerpt(body)}")
            if json_error:
                try:
                    data = json.loads(body)
                    assert data.get("status") == "error" and data.get("error"), data
                    assert data.get("errorType") == str(status), f"errorType {data.get('errorType')!r} != {status}"
                except (ValueError, AssertionError, AttributeError) as e:
                    problems.append(f"{where}: want Prometheus error JSON with status error: {e}; "
                                    f"body: {excerpt(body)}")
    if problems:
        raise AssertionError("\n".join(merge_problems(problems)))


# ---- expected answers computed from the fixture ----

def stored_rows(cl, tenant):
    """Fixture rows as the server shows them (with _stream and _stream_id)."""
    out = []
    for r in ROWS[tenant]:
        row = dict(r)
        row["_stream"] = '{app="%s"}' % r["app"]
        row["_stream_id"] = cl.stream_ids.get((tenant, r["app"]), "?")
        out.append(row)
    return out


def in_range(rows, start=None, end=None):
    return [r for r in rows if (start is None or ts_secs(r["_time"]) >= start) and (end is None or ts_secs(r["_time"]) <= end)]


def bucket(secs, step, offset=0):
    return (secs - offset) // step * step + offset


def expected_hits(rows, step=3600, offset=0, fields=(), fields_limit=0):
    series = {}
    for r in rows:
        key = json.dumps({f: r.get(f, "") for f in fields}, separators=(",", ":"))
        b = fmt_secs(bucket(ts_secs(r["_time"]), step, offset))
        series.setdefault(key, collections.Counter())[b] += 1
    if 0 < fields_limit < len(series):
        ranked = sorted(series, key=lambda k: -sum(series[k].values()))
        other = collections.Counter()
        for k in ranked[fields_limit:]:
            other.update(series.pop(k))
        series["{}"] = other
    hits = []
    for key in sorted(series):
        c = series[key]
        stamps = sorted(c)
        hits.append({"fields": json.loads(key), "timestamps": stamps, "values": [c[s] for s in stamps],
                     "total": sum(c.values())})
    return {"hits": hits}


def validate_hits(want):
    def validate(got):
        assert got == want, f"\n  expected {json.dumps(want)}\n  got      {json.dumps(got)}"
        for s in got["hits"]:
            assert all(type(v) is int for v in s["values"]) and type(s["total"]) is int, \
                f"values/total must be JSON integers: {s}"
    return validate


def expected_facets(rows, limit=10, max_values=1000, max_len=128, keep_const=False):
    counts = collections.defaultdict(collections.Counter)
    for r in rows:
        for k, v in r.items():
            if v != "":
                counts[k][v] += 1
    out = {}
    for name in sorted(counts):
        c = counts[name]
        if len(c) > max_values or any(len(v) > max_len for v in c):
            continue
        if len(c) == 1 and next(iter(c.values())) == len(rows) and not keep_const:
            continue
        out[name] = (dict(c), limit)
    return out


def validate_facets(want):
    def validate(got):
        assert isinstance(got, dict) and set(got) == {"facets"}, f"want {{\"facets\":[...]}}, got {json.dumps(got)[:300]}"
        names = [f.get("field_name") for f in got["facets"]]
        assert names == list(want), f"field names {names}, want {list(want)} (sorted, const fields skipped)"
        for f in got["facets"]:
            c, limit = want[f["field_name"]]
            vals = f["values"]
            pairs = [(v["field_value"], v["hits"]) for v in vals]
            where = f"field {f['field_name']}: {pairs}"
            assert all(type(h) is int for _, h in pairs), f"{where}: hits must be JSON integers"
            assert len(pairs) == min(limit, len(c)), f"{where}: {len(pairs)} values, want {min(limit, len(c))}"
            assert len({v for v, _ in pairs}) == len(pairs), f"{where}: duplicate values"
            for v, h in pairs:
                assert c.get(v) == h, f"{where}: {v!r} has {h} hits, want {c.get(v)}"
            hits = [h for _, h in pairs]
            assert hits == sorted(hits, reverse=True), f"{where}: not in hits-descending order"
            assert hits == sorted(c.values(), reverse=True)[:limit], f"{where}: not the top {limit} of {c}"
    return validate


def canon_facets(want):
    """Comparable form: fields whose cut at `limit` falls between equal hits compare by hits only."""
    def canon(got):
        out = []
        for f in got["facets"]:
            c, limit = want.get(f["field_name"], ({}, 0))
            pairs = sorted((-v["hits"], v["field_value"]) for v in f["values"])
            top = sorted(c.values(), reverse=True)
            cut_tie = len(top) > limit and top[limit - 1] == top[limit]
            out.append((f["field_name"], [p[0] for p in pairs] if cut_tie else pairs))
        return out
    return canon


def expected_stats_vector(samples, at):
    return {"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": m, "value": [at, v]} for m, v in samples]}}


def validate_prom(want, kind):
    """Prometheus vector/matrix answer equal to `want`, series in any order, timestamps within 1 ms."""
    def norm(d):
        res = d["data"]["result"]
        out = []
        for s in res:
            if kind == "vector":
                t, v = s["value"]
                assert isinstance(t, (int, float)) and isinstance(v, str), f"value must be [<number>, <string>]: {s}"
                out.append((json.dumps(s["metric"], sort_keys=True), [(round(t, 3), v)]))
            else:
                pts = s["values"]
                for t, v in pts:
                    assert isinstance(t, (int, float)) and isinstance(v, str), f"points must be [<number>, <string>]: {s}"
                assert [p[0] for p in pts] == sorted(p[0] for p in pts), f"points not sorted by time: {s}"
                out.append((json.dumps(s["metric"], sort_keys=True), [(round(t, 3), v) for t, v in pts]))
        return sorted(out)

    def validate(got):
        assert got.get("status") == "success", f"status {got.get('status')!r}: {json.dumps(got)[:300]}"
        assert got.get("data", {}).get("resultType") == kind, f"resultType {got.get('data', {}).get('resultType')!r}, want {kind}"
        assert norm(got) == norm(want), f"\n  expected {json.dumps(want)}\n  got      {json.dumps(got)}"
    return validate, lambda d: norm(d)


def expected_values(counter):
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return {"values": [{"value": v, "hits": h} for v, h in items]}


def validate_values(want):
    def validate(got):
        assert got == want, f"\n  expected {json.dumps(want)}\n  got      {json.dumps(got)}"
        assert all(type(v["hits"]) is int for v in got["values"]), "hits must be JSON integers"
    return validate


def validate_values_limited(all_values, n):
    """`limit=n` below the number of values: exactly n of them, every hits 0."""
    def validate(got):
        vals = got.get("values")
        assert isinstance(vals, list) and len(vals) == n, f"want exactly {n} values, got {json.dumps(got)}"
        for v in vals:
            assert v["value"] in all_values, f"unknown value {v['value']!r} (known {sorted(all_values)})"
            assert v["hits"] == 0 and type(v["hits"]) is int, f"hits must be 0 when the limit cuts values: {v}"
        assert len({v["value"] for v in vals}) == n, f"duplicate values: {vals}"
    return validate, lambda d: len(d["values"])


# ---- the fixture checks ----

def fixture_checks(check, cl):
    def ingest():
        for tenant, rows in ROWS.items():
            for name, srv in cl.targets:
                status, body, _ = srv.ingest(rows, params="_stream_fields=app", headers=tenant_headers(tenant))
                assert status == 200, f"ingest into {name}: {status} {excerpt(body)}"
        for s in (cl.single, *cl.nodes):
            s.flush()
        for name, srv in cl.targets:
            for tenant, rows in ROWS.items():
                wait_for(f"{len(rows)} rows of tenant {tenant} on {name}",
                         lambda: srv.count("*", start=START, end=END, headers=tenant_headers(tenant)) == len(rows),
                         timeout=30)
        for tenant in ROWS:
            status, rows = cl.single.query("* | stats by (app, _stream_id) count() c", start=START, end=END,
                                           headers=tenant_headers(tenant))
            assert status == 200, rows
            for r in rows:
                cl.stream_ids[(tenant, r["app"])] = r["_stream_id"]
                prefix = "%08x%08x" % tenant
                assert re.fullmatch(prefix + "[0-9a-f]{32}", r["_stream_id"]), f"odd _stream_id {r}"

    check.run("ingest fixture (single node and cluster, two tenants)", ingest)

    def query_endpoint():
        for tenant in ROWS:
            want = sorted(stored_rows(cl, tenant), key=lambda r: r["_time"])

            def validate(got, want=want):
                got_sorted = sorted(got, key=lambda r: r.get("_time", ""))
                assert got_sorted == want, f"\n  expected {want}\n  got      {got_sorted}"
                for r in got:
                    assert list(r)[:4] == ["_time", "_stream_id", "_stream", "_msg"], f"field order {list(r)}"
            check_endpoint(cl, "/select/logsql/query", {"query": "*", "start": START, "end": END}, tenant, validate,
                           canon=lambda d: sorted(json.dumps(r, sort_keys=True) for r in d),
                           content_type="application/stream+json", parse="lines")
        newest = sorted(stored_rows(cl, T0), key=lambda r: r["_time"])[-3:]
        check_endpoint(cl, "/select/logsql/query", {"query": "*", "start": START, "end": END, "limit": "3"}, T0,
                       expect_equal(newest), content_type="application/stream+json", parse="lines")
        check_endpoint(cl, "/select/logsql/query",
                       {"query": "* | stats by (level) count() c | sort by (level)", "start": START, "end": END}, T0,
                       expect_equal([{"level": "error", "c": "2"}, {"level": "info", "c": "6"}, {"level": "warn", "c": "4"}]),
                       content_type="application/stream+json", parse="lines")
        # Unix seconds work as start/end too.
        check_endpoint(cl, "/select/logsql/query",
                       {"query": "* | stats count() c", "start": str(EPOCH0 + 3600), "end": str(EPOCH0 + 7199)}, T0,
                       expect_equal([{"c": "4"}]), content_type="application/stream+json", parse="lines")

    check.run("query: rows, limit, stats, tenants", query_endpoint)

    def no_tenant_headers_is_tenant_0():
        for name, srv in cl.targets:
            status, body, _ = ask(srv, "/select/logsql/hits", {"query": "*", "start": START, "end": END, "step": "1h"},
                                  tenant=None)
            want = expected_hits(T0_ROWS)
            assert status == 200 and json.loads(body) == want, f"{name}: {status} {excerpt(body)}, want {want}"

    check.run("hits without AccountID/ProjectID = tenant 0:0", no_tenant_headers_is_tenant_0)

    def hits():
        base = {"query": "*", "start": START, "end": END, "step": "1h"}
        cases = [
            (T0, {}, expected_hits(T0_ROWS)),
            (T1, {}, expected_hits(T1_ROWS)),
            (T0, {"field": "app"}, expected_hits(T0_ROWS, fields=("app",))),
            (T1, {"field": "app"}, expected_hits(T1_ROWS, fields=("app",))),
            (T0, {"field": ["app", "level"]}, expected_hits(T0_ROWS, fields=("app", "level"))),
            (T0, {"field": "host"}, expected_hits(T0_ROWS, fields=("host",))),  # rows without host: "host":""
            (T0, {"field": "app", "fields_limit": "1"}, expected_hits(T0_ROWS, fields=("app",), fields_limit=1)),
            (T0, {"field": "app", "fields_limit": "2"}, expected_hits(T0_ROWS, fields=("app",), fields_limit=2)),
            (T0, {"field": "app", "fields_limit": "5"}, expected_hits(T0_ROWS, fields=("app",))),
            (T0, {"offset": "30m"}, expected_hits(T0_ROWS, offset=1800)),
            (T0, {"step": "30m"}, expected_hits(T0_ROWS, step=1800)),
            (T0, {"query": "level:error"}, expected_hits([r for r in T0_ROWS if r["level"] == "error"])),
            # pipes are dropped: only the filters count
            (T0, {"query": "app:a | stats count() x | limit 1"}, expected_hits([r for r in T0_ROWS if r["app"] == "a"])),
            (T0, {"query": "nosuchword"}, {"hits": []}),
            (T0, {"start": "2025-01-01T01:00:00Z", "end": "2025-01-01T01:59:59Z"},
             expected_hits(in_range(T0_ROWS, EPOCH0 + 3600, EPOCH0 + 7199))),
        ]
        problems = []
        for tenant, extra, want in cases:
            params = dict(base, **extra)
            try:
                check_endpoint(cl, "/select/logsql/hits", params, tenant, validate_hits(want))
            except AssertionError as e:
                problems.append(str(e))
        # default step is 1d: one bucket for the whole day
        try:
            check_endpoint(cl, "/select/logsql/hits", {"query": "*", "start": START, "end": END}, T0,
                           validate_hits(expected_hits(T0_ROWS, step=86400)))
        except AssertionError as e:
            problems.append(str(e))
        if problems:
            raise AssertionError("\n".join(problems))

    check.run("hits", hits)

    def common_args():
        base = {"query": "*", "start": START, "end": END, "step": "1h"}

        def rows_where(pred):
            return [r for r in T0_ROWS if pred(r)]
        cases = [
            ({"extra_filters": "level:error"}, rows_where(lambda r: r["level"] == "error")),
            ({"extra_filters": '{"level":["error","warn"]}'}, rows_where(lambda r: r["level"] in ("error", "warn"))),
            ({"extra_filters": ["app:a", '{"level":"info"}']},
             rows_where(lambda r: r["app"] == "a" and r["level"] == "info")),
            ({"extra_stream_filters": '{"app":"b"}'}, rows_where(lambda r: r["app"] == "b")),
            ({"extra_stream_filters": '{"app":["a","c"]}'}, rows_where(lambda r: r["app"] in ("a", "c"))),
            ({"extra_stream_filters": '{app="c"}'}, rows_where(lambda r: r["app"] == "c")),
            ({"query": "level:info", "extra_filters": "host:h1", "extra_stream_filters": '{"app":"b"}'},
             rows_where(lambda r: r["level"] == "info" and r.get("host") == "h1" and r["app"] == "b")),
            # other time formats: RFC3339 with a zone offset, Unix milliseconds
            ({"start": "2025-01-01T02:00:00+01:00", "end": str((EPOCH0 + 2 * 3600) * 1000)},
             in_range(T0_ROWS, EPOCH0 + 3600, EPOCH0 + 7200)),
            ({"start": "2025-01-01T01:05:00Z"}, in_range(T0_ROWS, EPOCH0 + 3900)),  # no end: unbounded
        ]
        problems = []
        for extra, rows in cases:
            try:
                check_endpoint(cl, "/select/logsql/hits", dict(base, **extra), T0, validate_hits(expected_hits(rows)))
            except AssertionError as e:
                problems.append(str(e))
        try:
            check_endpoint(cl, "/select/logsql/query",
                           {"query": "* | stats count() c", "start": START, "end": END,
                            "extra_filters": '{"host":"h2"}', "extra_stream_filters": '{"app":"a"}'}, T0,
                           expect_equal([{"c": "2"}]), content_type="application/stream+json", parse="lines")
        except AssertionError as e:
            problems.append(str(e))
        # Without `time`, relative filters count back from `end`, and the sample carries `end`.
        validate, canon = validate_prom(expected_stats_vector(
            [({"__name__": "c"}, "4")], EPOCH0 + 9000), "vector")
        try:
            check_endpoint(cl, "/select/logsql/stats_query",
                           {"query": "_time:1h | stats count() c", "start": START, "end": "2025-01-01T02:30:00Z"}, T0,
                           validate, canon=canon)
        except AssertionError as e:
            problems.append(str(e))
        if problems:
            raise AssertionError("\n".join(problems))

    check.run("common args: extra_filters, extra_stream_filters, time formats, default time", common_args)

    def response_headers():
        problems = []
        for path, params in (("/select/logsql/query", {"query": "*"}), ("/select/logsql/hits", {"query": "*"}),
                             ("/select/logsql/field_names", {"query": "*"}),
                             ("/select/logsql/stats_query", {"query": "* | stats count()"})):
            for name, srv in cl.targets:
                status, body, headers = ask(srv, path, dict(params, start=START, end=END), T0)
                if status != 200:
                    problems.append(f"{path} [{name}]: status {status}: {excerpt(body)}")
                    continue
                if header(headers, "Access-Control-Allow-Origin") != "*":
                    problems.append(f"{path} [{name}]: Access-Control-Allow-Origin "
                                    f"{header(headers, 'Access-Control-Allow-Origin')!r}, want '*'")
                if not header(headers, "X-Server-Hostname"):
                    problems.append(f"{path} [{name}]: no X-Server-Hostname header")
                # A client that takes gzip gets the same answer (compressed or not).
                status2, body2, headers2 = ask(srv, path, dict(params, start=START, end=END), T0,
                                               headers={"Accept-Encoding": "gzip"})
                if header(headers2, "Content-Encoding") == "gzip":
                    body2 = gzip.decompress(body2)
                if status2 != 200 or sorted(body2.split(b"\n")) != sorted(body.split(b"\n")):
                    problems.append(f"{path} [{name}] with Accept-Encoding: gzip: status {status2}, "
                                    f"body {excerpt(body2)} differs from {excerpt(body)}")
        # `//` in paths is collapsed.
        for name, srv in cl.targets:
            status, body, _ = ask(srv, "/select//logsql//hits", {"query": "*", "start": START, "end": END}, T0)
            want = expected_hits(T0_ROWS, step=86400)
            if status != 200 or json.loads(body) != want:
                problems.append(f"/select//logsql//hits [{name}]: status {status}, body {excerpt(body)}, want {want}")
        if problems:
            raise AssertionError("\n".join(problems))

    check.run("select responses: CORS, X-Server-Hostname, gzip, // in paths", response_headers)

    def facets():
        base = {"query": "*", "start": START, "end": END}
        cases = [
            (T0, {}, {}),
            (T1, {}, {}),
            (T0, {"keep_const_fields": "1"}, {"keep_const": True}),
            (T1, {"keep_const_fields": "1"}, {"keep_const": True}),
            (T0, {"limit": "2"}, {"limit": 2}),
            (T0, {"max_values_per_field": "5"}, {"max_values": 5}),
            (T0, {"max_value_len": "8"}, {"max_len": 8}),
            (T0, {"query": "app:c | fields _msg"}, {"rows": [r for r in T0_ROWS if r["app"] == "c"]}),
        ]
        problems = []
        for tenant, extra, opts in cases:
            rows = opts.pop("rows", None)
            srows = stored_rows(cl, tenant)
            if rows is not None:
                srows = [r for r in srows if r["_msg"] in {x["_msg"] for x in rows}]
            want = expected_facets(srows, **opts)
            try:
                check_endpoint(cl, "/select/logsql/facets", dict(base, **extra), tenant, validate_facets(want),
                               canon=canon_facets(want))
            except AssertionError as e:
                problems.append(str(e))
        if problems:
            raise AssertionError("\n".join(problems))

    check.run("facets", facets)

    def stats_query():
        at = END_S
        t0 = {"start": START, "end": END, "time": END}
        lv = collections.Counter(r["level"] for r in T0_ROWS)
        cases = [
            (T0, dict(t0, query="* | stats by (level) count() c"),
             [({"__name__": "c", "level": k}, str(v)) for k, v in lv.items()], at),
            (T1, dict(t0, query="* | stats by (level) count() c"), [({"__name__": "c", "level": "debug"}, "4")], at),
            (T0, dict(t0, query="* | stats count()"), [({"__name__": "count(*)"}, "12")], at),
            (T0, dict(t0, query="* | stats by (app) count() c, count_uniq(level) u"),
             [({"__name__": "c", "app": "a"}, "5"), ({"__name__": "u", "app": "a"}, "3"),
              ({"__name__": "c", "app": "b"}, "4"), ({"__name__": "u", "app": "b"}, "2"),
              ({"__name__": "c", "app": "c"}, "3"), ({"__name__": "u", "app": "c"}, "3")], at),
            # `time` alone: relative filters count back from it; no start/end filter
            (T0, {"query": "_time:1h | stats by (level) count() c", "time": "2025-01-01T02:30:00Z"},
             [({"__name__": "c", "level": "info"}, "1"), ({"__name__": "c", "level": "warn"}, "2"),
              ({"__name__": "c", "level": "error"}, "1")], EPOCH0 + 9000),
            (T0, dict(t0, query="* | stats by (level) count() c | filter c:>3 | sort by (level)"),
             [({"__name__": "c", "level": "info"}, "6"), ({"__name__": "c", "level": "warn"}, "4")], at),
            (T0, dict(t0, query="nosuchword | stats by (level) count() c"), [], at),
        ]
        problems = []
        for tenant, params, samples, t in cases:
            validate, canon = validate_prom(expected_stats_vector(samples, t), "vector")
            try:
                check_endpoint(cl, "/select/logsql/stats_query", params, tenant, validate, canon=canon)
            except AssertionError as e:
                problems.append(str(e))
        if problems:
            raise AssertionError("\n".join(problems))

    check.run("stats_query", stats_query)

    def stats_query_range():
        base = {"start": START, "end": END, "step": "1h"}

        def matrix(rows, by, name, step=3600):
            series = collections.defaultdict(collections.Counter)
            for r in rows:
                key = tuple((f, r[f]) for f in by)
                series[key][bucket(ts_secs(r["_time"]), step)] += 1
            result = []
            for key, c in series.items():
                m = {"__name__": name, **dict(key)}
                result.append({"metric": m, "values": [[b, str(c[b])] for b in sorted(c)]})
            return {"status": "success", "data": {"resultType": "matrix", "result": result}}

        cases = [
            (T0, dict(base, query="* | stats by (level) count() c"), matrix(T0_ROWS, ["level"], "c")),
            (T1, dict(base, query="* | stats by (level) count() c"), matrix(T1_ROWS, ["level"], "c")),
            (T0, dict(base, query="* | stats count() c"), matrix(T0_ROWS, [], "c")),
            (T0, dict(base, query="* | stats by (app) count()"), matrix(T0_ROWS, ["app"], "count(*)")),
            (T0, dict(base, query="* | stats by (level) count() c", step="30m"),
             matrix(T0_ROWS, ["level"], "c", step=1800)),
            (T0, dict(base, query="level:error | stats by (level) count() c"),
             matrix([r for r in T0_ROWS if r["level"] == "error"], ["level"], "c")),
        ]
        problems = []
        for tenant, params, want in cases:
            validate, canon = validate_prom(want, "matrix")
            try:
                check_endpoint(cl, "/select/logsql/stats_query_range", params, tenant, validate, canon=canon)
            except AssertionError as e:
                problems.append(str(e))
        if problems:
            raise AssertionError("\n".join(problems))

    check.run("stats_query_range", stats_query_range)

    def stats_errors():
        problems = []
        for path, extra in (("/select/logsql/stats_query", {"time": END}),
                            ("/select/logsql/stats_query_range", {"start": START, "end": END, "step": "1h"})):
            for q in ("*", "* | stats count() c | limit 1", "* | stats count( | nonsense",
                      "* | stats by (level) count() c | fields level",  # no metric column left
                      "* | stats by (level) count() c | fields c",  # a by-field dropped
                      "* | stats by (level) count() c | delete level"):
                try:
                    check_error(cl, path, dict(extra, query=q), T0, (400, 422), json_error=True)
                except AssertionError as e:
                    problems.append(str(e))
        if problems:
            raise AssertionError("\n".join(problems))

    check.run("stats_query / stats_query_range: queries they cannot answer -> Prometheus error JSON", stats_errors)

    def field_names():
        for tenant in ROWS:
            rows = stored_rows(cl, tenant)
            names = {k for r in rows for k in r}
            n = len(rows)

            def validate(got, names=names, n=n):
                vals = got.get("values")
                assert isinstance(vals, list), f"want {{\"values\":[...]}}, got {json.dumps(got)[:300]}"
                got_names = [v["value"] for v in vals]
                assert set(got_names) == names and len(got_names) == len(names), \
                    f"names {sorted(got_names)}, want {sorted(names)}"
                hits = {v["value"]: v["hits"] for v in vals}
                assert all(type(h) is int for h in hits.values()), f"hits must be JSON integers: {vals}"
                for f in ("level", "env", "_msg"):
                    assert hits[f] == n, f"{f} is in every row: hits {hits[f]}, want {n}"
                hl = [v["hits"] for v in vals]
                assert hl == sorted(hl, reverse=True), f"not in hits-descending order: {vals}"
            check_endpoint(cl, "/select/logsql/field_names", {"query": "*", "start": START, "end": END}, tenant,
                           validate, canon=lambda d: sorted(v["value"] for v in d["values"]))
        # filters narrow the names; pipes are dropped
        t1_names = sorted({k for r in stored_rows(cl, T1) for k in r})

        def validate_t1(got):
            names = sorted(v["value"] for v in got["values"])
            assert names == t1_names, f"names {names}, want {t1_names}"
        check_endpoint(cl, "/select/logsql/field_names",
                       {"query": "t1only:yes | fields _msg", "start": START, "end": END}, T1,
                       validate_t1, canon=lambda d: sorted(v["value"] for v in d["values"]))
        want_empty = {"values": []}
        check_endpoint(cl, "/select/logsql/field_names", {"query": "nosuchword", "start": START, "end": END}, T0,
                       expect_equal(want_empty))

    check.run("field_names", field_names)

    def field_values():
        base = {"query": "*", "start": START, "end": END}
        lv = collections.Counter(r["level"] for r in T0_ROWS)
        check_endpoint(cl, "/select/logsql/field_values", dict(base, field="level"), T0,
                       validate_values(expected_values(lv)))
        check_endpoint(cl, "/select/logsql/field_values", dict(base, field="level"), T1,
                       validate_values(expected_values(collections.Counter(debug=4))))
        check_endpoint(cl, "/select/logsql/field_values", dict(base, field="level", limit="3"), T0,
                       validate_values(expected_values(lv)))
        check_endpoint(cl, "/select/logsql/field_values", dict(base, field="app", query="level:info | limit 1"), T0,
                       validate_values(expected_values(collections.Counter(
                           r["app"] for r in T0_ROWS if r["level"] == "info"))))
        hosts = collections.Counter(r["host"] for r in T0_ROWS if "host" in r)

        def validate_hosts(got):
            vals = got.get("values")
            want = expected_values(hosts)["values"]
            # Rows without the field may add {"value":"","hits":2} at the end.
            extra = [v for v in vals if v not in want]
            assert vals[:len(want)] == want and extra in ([], [{"value": "", "hits": 2}]), \
                f"\n  expected {json.dumps(want)} (+ optional empty value with 2 hits)\n  got      {json.dumps(vals)}"
        check_endpoint(cl, "/select/logsql/field_values", dict(base, field="host"), T0, validate_hosts)
        validate, canon = validate_values_limited(set(lv), 2)
        check_endpoint(cl, "/select/logsql/field_values", dict(base, field="level", limit="2"), T0, validate,
                       canon=canon)
        check_error(cl, "/select/logsql/field_values", base, T0, (400,))
        check_error(cl, "/select/logsql/field_values", dict(base, field=""), T0, (400,))
        # Tenant 0 has no t1only values at all.
        for name, srv in cl.targets:
            status, body, _ = ask(srv, "/select/logsql/field_values", dict(base, field="t1only"), T0)
            assert status == 200, f"{name}: {status} {excerpt(body)}"
            vals = [v for v in json.loads(body)["values"] if v["value"]]
            assert vals == [], f"{name}: tenant 0 sees t1only values {vals}"

    check.run("field_values", field_values)

    def stream_endpoints():
        base = {"query": "*", "start": START, "end": END}
        for tenant in ROWS:
            rows = ROWS[tenant]
            apps = collections.Counter(r["app"] for r in rows)
            check_endpoint(cl, "/select/logsql/stream_field_names", base, tenant,
                           validate_values(expected_values(collections.Counter(app=len(rows)))))
            check_endpoint(cl, "/select/logsql/stream_field_values", dict(base, field="app"), tenant,
                           validate_values(expected_values(apps)))
            check_endpoint(cl, "/select/logsql/streams", base, tenant,
                           validate_values(expected_values(collections.Counter(
                               {'{app="%s"}' % a: n for a, n in apps.items()}))))
            check_endpoint(cl, "/select/logsql/stream_ids", base, tenant,
                           validate_values(expected_values(collections.Counter(
                               {cl.stream_ids[(tenant, a)]: n for a, n in apps.items()}))))
        apps = collections.Counter(r["app"] for r in T0_ROWS)
        # filters narrow them; pipes are dropped
        check_endpoint(cl, "/select/logsql/streams", dict(base, query="level:error | limit 1"), T0,
                       validate_values(expected_values(collections.Counter({'{app="a"}': 1, '{app="c"}': 1}))))
        check_endpoint(cl, "/select/logsql/stream_field_values", dict(base, field="app", query="host:h2"), T0,
                       validate_values(expected_values(collections.Counter(
                           r["app"] for r in T0_ROWS if r.get("host") == "h2"))))
        check_endpoint(cl, "/select/logsql/stream_field_values", dict(base, field="level"), T0,
                       validate_values({"values": []}))
        # limit below the number of values: that many, hits zeroed
        for path, extra, known in (
                ("/select/logsql/streams", {}, {'{app="%s"}' % a for a in apps}),
                ("/select/logsql/stream_ids", {}, {cl.stream_ids[(T0, a)] for a in apps}),
                ("/select/logsql/stream_field_values", {"field": "app"}, set(apps))):
            for n in (1, 2):
                validate, canon = validate_values_limited(known, n)
                check_endpoint(cl, path, dict(base, limit=str(n), **extra), T0, validate, canon=canon)
        check_endpoint(cl, "/select/logsql/streams", dict(base, limit="3"), T0,
                       validate_values(expected_values(collections.Counter({'{app="%s"}' % a: n for a, n in apps.items()}))))
        check_error(cl, "/select/logsql/stream_field_values", base, T0, (400,))

    check.run("stream_field_names, stream_field_values, streams, stream_ids", stream_endpoints)

    def errors():
        problems = []
        for q in ("foo |", "(a OR b", "* | stats by (x) nosuchfunc()"):
            for name, srv in cl.targets:
                for method in ("GET", "POST"):
                    status, body, _ = ask(srv, "/select/logsql/query", {"query": q, "start": START, "end": END}, T0, method)
                    text = body.decode("utf-8", "replace")
                    if status != 400 or not ("position" in text or "pos" in text):
                        problems.append(f"/select/logsql/query [{name} {method}] query {q!r}: status {status}, "
                                        f"want 400 naming the position; body: {excerpt(body)}")
        for path in ("/nope", "/select/logsql/nosuchendpoint", "/select/logsql"):
            for name, srv in cl.targets:
                status, body, _ = srv.get(path)
                if status != 400 or b"unsupported path requested" not in body:
                    problems.append(f"{path} [{name}]: status {status}, want 400 'unsupported path requested'; "
                                    f"body: {excerpt(body)}")
        for path, params, statuses in (
                ("/select/logsql/query", {"query": "*"}, (400,)),
                ("/select/logsql/hits", {"query": "*", "step": "1h"}, (400,)),
                ("/select/logsql/facets", {"query": "*"}, (400,)),
                ("/select/logsql/field_names", {"query": "*"}, (400,)),
                ("/select/logsql/field_values", {"query": "*", "field": "level"}, (400,)),
                ("/select/logsql/streams", {"query": "*"}, (400,)),
                ("/select/logsql/tail", {"query": "*"}, (400,)),
                ("/select/logsql/stats_query", {"query": "* | stats count()", "time": END}, (400, 422)),
                ("/select/logsql/stats_query_range", {"query": "* | stats count()", "start": START, "end": END,
                                                      "step": "1h"}, (400, 422))):
            args = params if "start" in params or "time" in params else dict(params, start=START, end=END)
            for bad in ({"AccountID": "abc"}, {"ProjectID": "-1"}, {"AccountID": "4294967296"}):
                for name, srv in cl.targets:
                    try:
                        status, body, _ = ask(srv, path, args, None, "GET", headers=bad, timeout=10)
                    except OSError as e:
                        problems.append(f"{path} [{name}] headers {bad}: no complete answer within 10 s: {e!r}")
                        continue
                    if status not in statuses or b"unsupported path" in body:
                        problems.append(f"{path} [{name}] headers {bad}: status {status}, want {statuses}; "
                                        f"body: {excerpt(body)}")
        for path, params in (("/select/logsql/hits", {"query": "*", "step": "0s"}),
                             ("/select/logsql/hits", {"query": "*", "step": "abc"}),
                             ("/select/logsql/query", {"query": "*", "start": "not-a-time"}),
                             ("/select/logsql/hits", {"query": "(", "step": "1h"}),
                             ("/select/logsql/hits", {"query": "*", "fields_limit": "x"}),
                             ("/select/logsql/query", {"query": "*", "timeout": "0s"}),
                             ("/select/logsql/query", {"query": "*", "extra_filters": "(("}),
                             ("/select/logsql/query", {"query": ""}),
                             ("/select/logsql/field_values", {"query": "*", "field": "level", "limit": "-1"}),
                             ("/select/logsql/tail", {"query": "*", "refresh_interval": "0s"}),
                             ("/select/logsql/stats_query_range", {"query": "* | stats count()", "step": "0s"})):
            try:
                check_error(cl, path, params, T0, (400, 422) if "stats_query" in path else (400,))
            except AssertionError as e:
                problems.append(str(e))
        if problems:
            raise AssertionError("\n".join(problems))

    check.run("error answers: bad query, unknown path, bad tenant headers, bad args", errors)


def operational(check, cl):
    def endpoints():
        problems = []
        for name, srv in cl.targets + [("storage node", cl.nodes[0])]:
            def want(path, statuses, pred=None, what=""):
                status, body, headers = srv.get(path, timeout=10)
                if status not in statuses or (pred and not pred(body, headers)):
                    problems.append(f"{path} [{name}]: status {status} (want {statuses}) {what}; "
                                    f"body: {excerpt(body)}")
            want("/ping", (204,))
            want("/-/healthy", (200,))
            want("/-/ready", (200,))
            want("/robots.txt", (200,), lambda b, h: b"Disallow: /" in b and header(h, "Content-Type").startswith("text/"),
                 "text containing 'Disallow: /'")
            want("/health", (200,), lambda b, h: b == b"OK", "body 'OK'")
            want("/insert/ready", (200,))
            want("/ping?verbose=true", (200,))
            want("/", (200,), lambda b, h: b"select/vmui" in b and header(h, "Content-Type").startswith("text/html"),
                 "HTML page linking select/vmui")
            want("/flags", (200,), lambda b, h: b"-httpListenAddr=" in b, "text listing -httpListenAddr=...")
        if problems:
            raise AssertionError("\n".join(problems))

    check.run("operational endpoints: /ping /-/healthy /-/ready /robots.txt /health /insert/ready", endpoints)

    def huge_url():
        problems = []
        q = '* | filter _msg:="' + "a" * 300_000 + '"'
        path = "/select/logsql/query?" + urllib.parse.urlencode({"query": q, "start": START, "end": END})
        for name, srv in cl.targets:
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
            try:
                conn.request("GET", path, headers=tenant_headers(T0))
                resp = conn.getresponse()
                body = resp.read()
                if resp.status not in (200, 400):
                    problems.append(f"{len(path)}-byte URL [{name}]: status {resp.status}, want 200 or 400; "
                                    f"body: {excerpt(body)}")
                elif resp.status == 200 and body.strip():
                    problems.append(f"{len(path)}-byte URL [{name}]: want no rows, got {excerpt(body)}")
            except (OSError, http.client.HTTPException) as e:
                problems.append(f"{len(path)}-byte URL [{name}]: no HTTP answer: {e!r}")
            finally:
                conn.close()
        if problems:
            raise AssertionError("\n".join(problems))

    check.run("a ~300 KB GET URL gets a real answer", huge_url)

    def huge_headers():
        problems = []
        head = b"GET /select/logsql/query?query=* HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        filler = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"b" * 10_000) for i in range(115))  # ~1.15 MB
        for name, srv in cl.targets:
            sock = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
            try:
                try:
                    sock.sendall(head + filler + b"\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the server may answer and stop reading early
                data = b""
                deadline = time.time() + 30
                while b"\r\n" not in data and time.time() < deadline:
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
                if not m or m.group(1) != b"431":
                    problems.append(f"~1.15 MB of headers [{name}]: want status 431, got {data[:200]!r}")
            except OSError as e:
                problems.append(f"~1.15 MB of headers [{name}]: no HTTP answer: {e!r}")
            finally:
                sock.close()
        if problems:
            raise AssertionError("\n".join(problems))

    check.run("headers over 1 MB -> 431", huge_headers)

    def listen_port_zero():
        tmp = tempfile.mkdtemp(prefix="vl-e2e-port0-")
        err_path, out_path = os.path.join(tmp, "stderr"), os.path.join(tmp, "stdout")
        with open(err_path, "wb") as err, open(out_path, "wb") as out:
            proc = subprocess.Popen([BINARY, "-httpListenAddr=127.0.0.1:0", f"-storageDataPath={tmp}/data"],
                                    stdout=out, stderr=err)
        try:
            port = None
            deadline = time.time() + 30
            while time.time() < deadline and port is None:
                with open(err_path, "rb") as f:
                    m = re.search(rb"started server at http://127\.0\.0\.1:(\d+)/", f.read())
                if m:
                    port = int(m.group(1))
                elif proc.poll() is not None:
                    break
                else:
                    time.sleep(0.05)
            with open(err_path, "rb") as f:
                err_text = f.read().decode("utf-8", "replace")
            assert port, f"no 'started server at http://127.0.0.1:<port>/' on stderr; stderr: {err_text[-1500:]}"
            assert port != 0, err_text[-1500:]
            status = body = None
            deadline = time.time() + 30
            while time.time() < deadline:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", "/health")
                    resp = conn.getresponse()
                    status, body = resp.status, resp.read()
                    conn.close()
                    break
                except OSError:
                    time.sleep(0.05)
            assert status == 200 and body == b"OK", f"/health on port {port}: {status} {body!r}"
        finally:
            proc.kill()
            proc.wait(timeout=30)
            shutil.rmtree(tmp, ignore_errors=True)

    check.run("-httpListenAddr=127.0.0.1:0 prints the real port and serves on it", listen_port_zero)


# ---- live tailing ----

class RawResponse:
    """A streamed HTTP/1.1 response read straight from a socket (chunked or until close)."""

    def __init__(self, port, path, headers, timeout=5, form=None):
        """`form`: POST these args as an x-www-form-urlencoded body instead of a GET."""
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        headers = dict(headers)
        body = b""
        method = "GET"
        if form is not None:
            method = "POST"
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Content-Length"] = str(len(body))
        req = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        self.sock.sendall(req.encode() + body)
        self.raw = b""
        self.body = b""
        self.status = None
        self.headers = {}
        self.chunked = False
        self.closed = False

    def _recv(self, until):
        self.sock.settimeout(max(0.05, min(0.5, until - time.time())))
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.closed = True
        self.raw += chunk

    def read_head(self, within):
        until = time.time() + within
        while b"\r\n\r\n" not in self.raw and not self.closed and time.time() < until:
            self._recv(until)
        if b"\r\n\r\n" not in self.raw:
            raise AssertionError(f"no response headers within {within} s; got {self.raw[:300]!r}")
        head, self.raw = self.raw.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        for line in lines[1:]:
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        self.chunked = "chunked" in self.headers.get("transfer-encoding", "").lower()
        self._decode()

    def _decode(self):
        if not self.chunked:
            self.body += self.raw
            self.raw = b""
            return
        while True:
            i = self.raw.find(b"\r\n")
            if i < 0:
                return
            size = int(self.raw[:i].split(b";")[0], 16)
            if len(self.raw) < i + 2 + size + 2:
                return
            self.body += self.raw[i + 2:i + 2 + size]
            self.raw = self.raw[i + 2 + size + 2:]
            if size == 0:
                self.closed = True
                return

    def read_for(self, seconds, stop=None):
        until = time.time() + seconds
        while time.time() < until and not self.closed:
            self._recv(until)
            self._decode()
            if stop and stop(self.body):
                return True
        return bool(stop and stop(self.body))

    def close(self):
        self.sock.close()


def tail_checks(check, cl):
    for (name, srv), method in zip(cl.targets, ("GET", "POST")):
        def tail(name=name, srv=srv, method=method):
            marker = f"tail-marker-{uuid.uuid4().hex}"
            name = f"{name} {method}"
            args = {"query": "app:tailapp"}
            if method == "GET":
                resp = RawResponse(srv.port, "/select/logsql/tail?" + urllib.parse.urlencode(args),
                                   tenant_headers(T_TAIL))
            else:
                resp = RawResponse(srv.port, "/select/logsql/tail", tenant_headers(T_TAIL), form=args)
            try:
                resp.read_head(10)
                assert resp.status == 200, f"{name}: tail status {resp.status}: {resp.raw[:300]!r}"
                ctype = resp.headers.get("content-type", "")
                assert ctype.startswith("application/x-ndjson"), f"{name}: tail Content-Type {ctype!r}"
                status, body, _ = srv.ingest([{"_msg": marker, "app": "tailapp", "n": "1"}], params="_stream_fields=app",
                                             headers=tenant_headers(T_TAIL))
                assert status == 200, f"{name}: ingest {status} {excerpt(body)}"
                t0 = time.time()
                arrived = resp.read_for(12, stop=lambda b: marker.encode() in b)
                assert arrived, (f"{name}: the row ingested after the tail started did not arrive within 12 s; "
                                 f"tail body so far: {excerpt(resp.body)}; connection closed: {resp.closed}")
                took = time.time() - t0
                # Later windows overlap the earlier ones: the row must not come again.
                resp.read_for(2.5)
                lines = [line for line in resp.body.decode().split("\n") if line.strip()]
                rows = [json.loads(line) for line in lines]
                hits = [r for r in rows if r.get("_msg") == marker]
                assert len(hits) == 1, f"{name}: the tailed row came {len(hits)} times: {rows}"
                r = hits[0]
                assert r.get("n") == "1" and r.get("_stream") == '{app="tailapp"}' and "_time" in r, \
                    f"{name}: tailed row {r}"
                assert not resp.closed, f"{name}: the tail response ended; it must stay open"
                print(f"  {name}: tailed row arrived after {took:.1f} s", flush=True)
            finally:
                resp.close()

        check.run(f"tail [{name} {method}]: a new row arrives, once, on a response that stays open", tail)

    def tail_rejects():
        problems = []
        for q in ("* | stats count()", "* | sort by (_time)", "* | limit 5", "* | uniq by (app)"):
            for name, srv in cl.targets:
                status, body, _ = ask(srv, "/select/logsql/tail", {"query": q}, T_TAIL, timeout=10)
                if status != 400 or b"unsupported path" in body:
                    problems.append(f"/select/logsql/tail [{name}] query {q!r}: status {status}, want 400; "
                                    f"body: {excerpt(body)}")
        if problems:
            raise AssertionError("\n".join(problems))

    check.run("tail of queries that cannot be tailed -> 400", tail_rejects)


# ---- slow queries: client gone, timeout, concurrency limit ----

SLOW_ROWS = 200_000
_BASE = "* | stats by (_msg) count() c | sort by (_msg)"
SLOW_Q = _BASE + "".join(f" | union ({_BASE})" for _ in range(15)) + " | stats count() n"
CANCELLED = "vl_select_queries_cancelled_total"


def slow_checks(check):
    srv = Server(BINARY)
    try:
        srv.start()

        def ingest():
            for k in range(SLOW_ROWS // 100_000):
                rows = [{"_msg": f"slow row {i} {i * 7919 % 100003}"} for i in range(k * 100_000, (k + 1) * 100_000)]
                status, body, _ = srv.ingest(rows)
                assert status == 200, excerpt(body)
            srv.flush()
            assert srv.count() == SLOW_ROWS

        check.run("slow: ingest 200k rows", ingest)

        def timeout_arg():
            t0 = time.time()
            status, body, _ = srv.get("/select/logsql/query?" + urllib.parse.urlencode(
                {"query": SLOW_Q, "timeout": "100ms"}), timeout=60)
            took = time.time() - t0
            assert status == 503, f"slow query with timeout=100ms: status {status} after {took:.2f} s, want 503; " \
                                  f"body: {excerpt(body)}"
            assert took < 2.5, f"slow query with timeout=100ms answered 503 only after {took:.2f} s"
            status, body, _ = srv.get("/select/logsql/stats_query?" + urllib.parse.urlencode(
                {"query": SLOW_Q, "timeout": "100ms"}), timeout=60)
            assert status == 503, f"stats_query with timeout=100ms: status {status}, want 503; body: {excerpt(body)}"

        check.run("slow: timeout=100ms -> 503", timeout_arg)

        def client_disconnect():
            before = metric(srv, CANCELLED)
            path = "/select/logsql/query?" + urllib.parse.urlencode({"query": SLOW_Q})
            resp = RawResponse(srv.port, path, {})
            time.sleep(0.3)
            resp.close()
            t0 = time.time()
            try:
                wait_for(f"{CANCELLED} to grow by 1", lambda: metric(srv, CANCELLED) >= before + 1, timeout=5)
            except AssertionError:
                raise AssertionError(f"{CANCELLED} stayed at {metric(srv, CANCELLED)} (before {before}) 5 s after the "
                                     f"client of a slow query went away")
            print(f"  cancelled {time.time() - t0:.2f} s after the client went away", flush=True)
            status, body, _ = srv.get("/health")
            assert status == 200

        check.run("slow: client disconnect cancels the query", client_disconnect)

        def concurrency_limit():
            assert srv.stop() == 0
            srv.extra_flags = ["-search.maxConcurrentRequests=1", "-search.maxQueueDuration=1s"]
            srv.start()
            path = "/select/logsql/query?" + urllib.parse.urlencode({"query": SLOW_Q})
            first = RawResponse(srv.port, path, {})
            try:
                time.sleep(0.4)
                # /tail takes no slot: it starts at once even now.
                tail = RawResponse(srv.port, "/select/logsql/tail?query=*", {})
                try:
                    tail.read_head(5)
                    assert tail.status == 200, f"tail while the only slot is busy: status {tail.status}"
                finally:
                    tail.close()
                t0 = time.time()
                status, body, _ = srv.get("/select/logsql/query?" + urllib.parse.urlencode(
                    {"query": "* | stats count() c"}), timeout=30)
                took = time.time() - t0
                assert status in (200, 503), f"second query while the only slot is busy: status {status}, " \
                                             f"want 503 (or 200 after waiting); body: {excerpt(body)}"
                print(f"  second query: {status} after {took:.2f} s", flush=True)
                if status == 503:
                    assert 0.8 <= took <= 5, f"503 after {took:.2f} s; want about -search.maxQueueDuration=1s"
            finally:
                first.close()
            assert srv.proc.poll() is None, "server died"
            wait_for("a query to succeed again once the slow one is gone",
                     lambda: srv.get("/select/logsql/query?query=*+|+stats+count()+c", timeout=30)[0] == 200, timeout=15)

        check.run("slow: -search.maxConcurrentRequests=1 -> second query 503 (or 200), no crash", concurrency_limit)
    finally:
        srv.cleanup()


def main():
    check = Check()
    started = []
    try:
        cl = Cluster(started)
        fixture_checks(check, cl)
        operational(check, cl)
        tail_checks(check, cl)
    finally:
        for s in started:
            s.cleanup()
    slow_checks(check)
    print(f"total {time.time() - T_START:.1f} s", flush=True)
    check.finish()


if __name__ == "__main__":
    main()
