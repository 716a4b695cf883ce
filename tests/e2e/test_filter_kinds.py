"""Every LogsQL filter kind end to end: a data set ingested over HTTP into a single node and into
a two-node cluster, queried per filter kind; the expected rows are computed here, in Python, from
the rows that were sent."""
import re
from datetime import datetime, timedelta, timezone

from vlserver import Check, Server, binary_from_args

BINARY = binary_from_args()
# Midnight UTC four days ago, so day and week arithmetic below is simple and the rows are recent.
BASE = (datetime.now(timezone.utc) - timedelta(days=4)).replace(hour=0, minute=0, second=0, microsecond=0)
USERS = ["alice", "bob", "carol", "dave", "Émile"]
VERBS = ["GET", "POST", "DELETE"]
CODES = ["200", "404", "500", "504"]
N = 700


def make_rows():
    rows = []
    for i in range(N):
        t = BASE + timedelta(minutes=i * 7)
        code = CODES[i % 4]
        dur = (i * 37) % 1000
        row = {
            "_time": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "_msg": f"{VERBS[i % 3]} /api/item{i % 9} status {code} took {dur}ms" + (" error happened" if i % 7 == 0 else ""),
            "id": str(i), "app": f"a{i % 4}", "user": USERS[i % 5], "code": code, "dur": str(dur),
            "limit": str((i * 53) % 1000),
            "ip": "bad-ip" if i % 11 == 0 else f"10.{i % 3}.{i % 50}.{i % 200}",
        }
        if i % 5 == 0:
            row["opt"] = "set"
        rows.append(row)
    return rows


ROWS = make_rows()


def ts(row):
    return datetime.strptime(row["_time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def words(s):
    return re.findall(r"\w+", s)


def phrase(s, p):
    return re.search(r"(?<!\w)" + re.escape(p) + r"(?!\w)", s) is not None


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def ip_num(s):
    parts = s.split(".")
    if len(parts) != 4 or not all(p.isdigit() and int(p) <= 255 for p in parts):
        return None
    return (int(parts[0]) << 24) | (int(parts[1]) << 16) | (int(parts[2]) << 8) | int(parts[3])


def le(a, b):
    na, nb = num(a), num(b)
    return na <= nb if na is not None and nb is not None else a.encode() <= b.encode()


START = BASE + timedelta(hours=10)
END = BASE + timedelta(hours=30)
BOB_APPS = {r["app"] for r in ROWS if r["user"] == "bob" and r["code"] == "500"}
FAST_USERS = {r["user"] for r in ROWS if int(r["dur"]) < 14}
FAST_USERS_IN_RANGE = {r["user"] for r in ROWS if int(r["dur"]) < 30 and START <= ts(r) < END}

# (query, predicate over a row[, extra HTTP args])
CASES = [
    ("error", lambda r: "error" in words(r["_msg"])),
    ('"status 500"', lambda r: phrase(r["_msg"], "status 500")),
    ("user:ali*", lambda r: any(w.startswith("ali") for w in words(r["user"]))),
    ("user:=alice", lambda r: r["user"] == "alice"),
    ('user:="ca"*', lambda r: r["user"].startswith("ca")),
    ("i(ERROR)", lambda r: "error" in words(r["_msg"].lower())),
    ('user:~"^b|e$"', lambda r: re.search("^b|e$", r["user"]) is not None),
    ('user:!~"^b|e$"', lambda r: re.search("^b|e$", r["user"]) is None),
    ('re("item[0-2] ")', lambda r: re.search("item[0-2] ", r["_msg"]) is not None),
    ("code:in(500, 504)", lambda r: r["code"] in ("500", "504")),
    ("contains_all(error, 500)", lambda r: "error" in words(r["_msg"]) and "500" in words(r["_msg"])),
    ("contains_any(DELETE, 504)", lambda r: "DELETE" in words(r["_msg"]) or "504" in words(r["_msg"])),
    ('seq("GET", "error")', lambda r: r["_msg"].startswith("GET") and "error" in words(r["_msg"])),
    ('seq("error", "GET")', lambda r: False),
    ("dur:>500", lambda r: int(r["dur"]) > 500),
    ("dur:range[100, 200)", lambda r: 100 <= int(r["dur"]) < 200),
    ("dur:<=50", lambda r: int(r["dur"]) <= 50),
    ('ip:ipv4_range("10.1.0.0/16")', lambda r: ip_num(r["ip"]) is not None and r["ip"].startswith("10.1.")),
    ("ip:ipv4_range(10.0.0.0, 10.0.20.255)", lambda r: ip_num(r["ip"]) is not None and ip_num("10.0.0.0") <= ip_num(r["ip"]) <= ip_num("10.0.20.255")),
    ("user:string_range(b, d)", lambda r: "b" <= r["user"] < "d"),
    ("user:len_range(4, 5)", lambda r: 4 <= len(r["user"]) <= 5),
    ("dur:eq_field(limit)", lambda r: r["dur"] == r["limit"]),
    ("dur:le_field(limit)", lambda r: le(r["dur"], r["limit"])),
    ("dur:lt_field(limit)", lambda r: le(r["dur"], r["limit"]) and r["dur"] != r["limit"]),
    ('opt:""', lambda r: "opt" not in r),
    ("opt:*", lambda r: "opt" in r),
    ("_time:day_range[06:00, 12:00)", lambda r: 6 <= ts(r).hour < 12),
    ("_time:week_range[Mon, Wed]", lambda r: ts(r).weekday() <= 2),
    ('{app="a1"}', lambda r: r["app"] == "a1"),
    ("{app in (a1, a2)}", lambda r: r["app"] in ("a1", "a2")),
    ('{app!="a0"} error', lambda r: r["app"] != "a0" and "error" in words(r["_msg"])),
    ('-{app="a1"} (error or code:=504)', lambda r: r["app"] != "a1" and ("error" in words(r["_msg"]) or r["code"] == "504")),
    ("_stream_id:in(user:=bob code:=500 | fields _stream_id)", lambda r: r["app"] in BOB_APPS),
    ("user:in(dur:<14 | fields user)", lambda r: r["user"] in FAST_USERS),
    ("options(concurrency=1) user:in(dur:<14 | fields user) error", lambda r: r["user"] in FAST_USERS and "error" in words(r["_msg"])),
    # start/end reach the subquery too.
    ("user:in(dur:<30 | fields user)", lambda r: r["user"] in FAST_USERS_IN_RANGE and START <= ts(r) < END,
     {"start": START.strftime("%Y-%m-%dT%H:%M:%SZ"), "end": (END - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}),
]


ALL_OR_NOTHING = {'seq("error", "GET")'}


def main():
    check = Check()
    single = Server(BINARY).start()
    nodes = [Server(BINARY).start(), Server(BINARY).start()]
    router = Server(BINARY, storage_nodes=nodes).start()
    servers = [single, nodes[0], nodes[1], router]
    try:
        def ingest():
            for target in (single, router):
                status, body, _ = target.ingest(ROWS, params="_stream_fields=app")
                assert status == 200, body
            for s in (single, *nodes):
                s.flush()
            assert single.count() == N and router.count() == N

        check.run("ingest", ingest)
        # Each subquery case picks a strict subset, so that a subquery answered over the wrong
        # rows (or not at all) shows.
        assert 0 < len(BOB_APPS) < 4 and 0 < len(FAST_USERS) < len(USERS), (BOB_APPS, FAST_USERS)
        assert 0 < len(FAST_USERS_IN_RANGE) < len({r["user"] for r in ROWS if int(r["dur"]) < 30}), FAST_USERS_IN_RANGE

        for case in CASES:
            q, pred = case[0], case[1]
            args = case[2] if len(case) > 2 else {}

            def run(q=q, pred=pred, args=args):
                expected = sorted(int(r["id"]) for r in ROWS if pred(r) and
                                  (not args or START <= ts(r) < END))
                # A case whose answer is every row or none could not tell a filter from its absence.
                assert q in ALL_OR_NOTHING or 0 < len(expected) < N, f"weak case: {len(expected)} rows"
                for name, target in (("single", single), ("cluster", router)):
                    status, rows = target.query(q + " | fields id", **args)
                    assert status == 200, f"{name}: {rows}"
                    got = sorted(int(r["id"]) for r in rows)
                    assert got == expected, f"{name}: {len(got)} rows, expected {len(expected)}; " \
                                            f"extra {sorted(set(got) - set(expected))[:5]}, missing {sorted(set(expected) - set(got))[:5]}"

            check.run(q, run)

        def bad_filters_are_400():
            for q in ("ip:ipv4_range(1.2.3)", "len_range(x, 5)", "_time:week_range[Mon, Someday]",
                      "user:in(error | fields a, b)", "options(nope=1) *"):
                for target in (single, router):
                    status, body = target.query(q)
                    assert status == 400, (q, status, body)
                    assert "position" in body, body

        check.run("bad filters are 400 with the position", bad_filters_are_400)
    finally:
        for s in servers:
            s.cleanup()
    check.finish()


if __name__ == "__main__":
    main()
