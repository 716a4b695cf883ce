"""No query takes a node down: 100k nested parentheses and NOTs are answered, a filter tree
nested deeper than the limit gets 400 with the position, and the server keeps serving; on a
single node and through a router over two storage nodes."""
import urllib.parse

from vlserver import Check, Server, binary_from_args

BINARY = binary_from_args()
N = 100_000


def post_query(server, q):
    body = urllib.parse.urlencode({"query": q}).encode()
    status, data, _ = server.request("POST", "/select/logsql/query", body=body,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    return status, data.decode()


def alternating(levels):
    """`y (x OR (y (x OR ... alpha)))`: every level a real AND or OR node."""
    return "".join("x OR (" if i % 2 else "y (" for i in range(levels)) + "alpha" + ")" * levels


def cases(check, name, server):
    def deep_but_redundant_nesting_answered():
        for q in ["(" * N + "alpha" + ")" * N, "NOT " * N + "alpha", "-(" * (N // 2) + "alpha" + ")" * (N // 2)]:
            status, body = post_query(server, q + " | stats count() as c")
            assert status == 200, (status, body[-300:])
            assert '"c":"2"' in body, body

    def too_deep_tree_refused():
        status, body = post_query(server, alternating(N))
        assert status == 400, (status, body[-300:])
        assert "nested deeper than 1000 levels" in body and "at position" in body, body[-300:]

    def still_serving():
        status, body, _ = server.get("/health")
        assert status == 200 and body == b"OK"
        assert server.count("alpha") == 2

    check.run(f"{name}_deep_but_redundant_nesting_answered", deep_but_redundant_nesting_answered)
    check.run(f"{name}_too_deep_tree_refused", too_deep_tree_refused)
    check.run(f"{name}_still_serving", still_serving)


def main():
    check = Check()
    single = Server(BINARY).start()
    nodes = [Server(BINARY).start(), Server(BINARY).start()]
    router = Server(BINARY, storage_nodes=nodes).start()
    try:
        rows = [{"_msg": "alpha one"}, {"_msg": "alpha two"}, {"_msg": "beta"}]
        for target in (single, router):
            status, body, _ = target.ingest(rows)
            assert status == 200, body
        for s in [single] + nodes:
            s.flush()
        cases(check, "single", single)
        cases(check, "router", router)
    finally:
        for s in [router, single] + nodes:
            s.cleanup()
    check.finish()


if __name__ == "__main__":
    main()
