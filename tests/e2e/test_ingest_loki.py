"""Loki push (/insert/loki/api/v1/push) on a single node and through a router over two nodes.
The real winston-loki client (tests/e2e/clients, installed by scripts/install-test-clients.sh)
sends in JSON mode (JSON-object lines unpacked, metadata kept, VL-Msg-Field naming the message)
and in protobuf mode (snappy by default); labels come back as fields and as the stream, times
as sent. Loki JSON sent as Promtail does covers X-Scope-OrgID tenants, message parsing switched
off, `_stream_fields`, and bad bodies answered 400 without taking the node down."""
import json
import os
import subprocess

from vlserver import Check, binary_from_args, node_and_cluster, wait_for

CLIENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clients")
PUSH = "/insert/loki/api/v1/push"


def winston(server, mode, tag):
    out = subprocess.run(["node", os.path.join(CLIENTS, "loki_client.mjs"), f"{server.url}/insert", mode, tag],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"winston-loki {mode}: {out.stdout} {out.stderr}"


def push_json(server, body, headers=None, params=""):
    h = {"Content-Type": "application/json", **(headers or {})}
    status, text, _ = server.request("POST", PUSH + params, body=json.dumps(body).encode(), headers=h)
    return status, text.decode()


def rows(server, q, **args):
    status, out = server.query(q, **args)
    assert status == 200, out
    return out


def main():
    binary = binary_from_args()
    check = Check()
    flags = ["-retentionPeriod=100y"]
    with node_and_cluster(binary, flags) as targets:
        for name, target in targets:
            tag = f"{name}{os.getpid()}"

            def winston_modes(target=target, tag=tag, name=name):
                winston(target, "json", tag + "j")
                winston(target, "protobuf", tag + "p")
                wait_for(f"{name}: 6 rows", lambda: target.count(f"{tag}j or {tag}p") == 6)
                got = rows(target, f"{tag}j | sort by (_time)")
                assert [r["_msg"] for r in got] == [f"order placed {tag}j", f"payment slow {tag}j",
                                                   f"card declined {tag}j"], got
                first = got[0]
                assert first["_time"] == "2025-01-01T00:00:01.25Z", first
                assert first["_stream"] == '{encoding="json",level="info",service="shop",tier="gold"}', first
                assert first["order_id"] == "A-17" and first["service"] == "shop", first
                assert got[1]["latency_ms"] == "812" and got[2]["user.country"] == "NL", got
                got = rows(target, f"{tag}p | sort by (_time)")
                assert [r["_msg"] for r in got] == [f"info: order placed {tag}p", f"warn: payment slow {tag}p",
                                                   f"error: card declined {tag}p"], got
                assert got[2]["_time"] == "2025-01-01T00:00:03Z", got
                assert got[2]["_stream"] == '{encoding="protobuf",level="error",service="shop"}', got

            check.run(f"{name}: winston-loki JSON and protobuf (snappy) pushes stored", winston_modes)

            def promtail_shaped(target=target, tag=tag, name=name):
                line = json.dumps({"msg": f"unpacked {tag}", "user": {"id": 7}})
                body = {"streams": [{"stream": {"job": "varlogs", "host": "h1"},
                                     "values": [["1735689604000000000", line, {"trace_id": "abc"}],
                                                ["1735689605000", f"ms precision {tag}"]]}]}
                status, text = push_json(target, body, {"X-Scope-OrgID": "12:3"}, "?_msg_field=msg")
                assert status == 204 and text == "", (status, text)
                status, text = push_json(target, body, {"VL-Loki-Disable-Message-Parsing": "true"},
                                         "?_stream_fields=job")
                assert status == 204, text
                wait_for(f"{name}: tenant rows", lambda: target.count(tag, headers={"AccountID": "12",
                                                                                    "ProjectID": "3"}) == 2)
                got = rows(target, f"{tag} | sort by (_time)", headers={"AccountID": "12", "ProjectID": "3"})
                assert got[0]["_msg"] == f"unpacked {tag}" and got[0]["user.id"] == "7", got
                assert got[0]["trace_id"] == "abc" and got[0]["_time"] == "2025-01-01T00:00:04Z", got
                assert got[0]["_stream"] == '{host="h1",job="varlogs"}', got
                assert got[1]["_time"] == "2025-01-01T00:00:05Z", got
                # The second push (default tenant) kept the JSON line as it was.
                wait_for(f"{name}: raw line row", lambda: target.count(f'{{job="varlogs"}} "unpacked {tag}"') == 1)
                [raw] = rows(target, f'{{job="varlogs"}} "unpacked {tag}"')
                assert raw["_msg"] == line and raw["_stream"] == '{job="varlogs"}' and raw["host"] == "h1", raw
                assert "user.id" not in raw, raw

            check.run(f"{name}: Loki JSON with X-Scope-OrgID, message parsing on and off, _stream_fields",
                      promtail_shaped)

            def bad_bodies(target=target, name=name):
                before = target.count()
                status, text = push_json(target, {"streams": [{"stream": {"a": 1}, "values": []}]})
                assert status == 400 and "label" in text, (status, text)
                status, text = push_json(target, {"streams": [{"stream": {}, "values": [["x", "y"]]}]})
                assert status == 400 and "timestamp" in text, (status, text)
                status, text, _ = target.request("POST", PUSH, body=b"{not json",
                                                 headers={"Content-Type": "application/json"})
                assert status == 400, text
                status, text, _ = target.request("POST", PUSH, body=b"\x00\x01garbage",
                                                 headers={"Content-Type": "application/x-protobuf",
                                                          "Content-Encoding": "identity"})
                assert status == 400 and b"protobuf" in text, text
                status, text, _ = target.request("POST", PUSH, body=b"garbage",
                                                 headers={"Content-Type": "application/x-protobuf"})
                assert status == 400 and b"snappy" in text, text
                status, text, _ = target.get("/insert/loki/ready")
                assert status == 200 and text == b"ready", (status, text)
                assert target.count() == before
                assert target.get("/health")[0] == 200

            check.run(f"{name}: bad bodies answered 400, ready probe, node up", bad_bodies)
    check.finish()


if __name__ == "__main__":
    main()
