"""Bad input on the HTTP listener, plain and HTTPS alike: slow headers (slowloris), a TLS client
that never finishes its handshake, oversized headers, invalid UTF-8, a truncated gzip body and
many tiny requests. The server stays up with bounded memory, and good requests around the bad
ones succeed."""
import gzip
import json
import os
import shutil
import socket
import ssl
import tempfile
import time

from test_tls_auth import SecureServer, make_certs
from vlserver import Check, Server, binary_from_args, wait_for

IDLE = "-http.idleConnTimeout=1s"


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def connect(server, secure):
    raw = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    if not secure:
        return raw
    return server.context().wrap_socket(raw, server_hostname="127.0.0.1")


def closed_within(sock, seconds):
    """True when the server closes `sock` within `seconds` (reads EOF or a reset)."""
    sock.settimeout(0.2)
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if sock.recv(4096) == b"":
                return True
        except socket.timeout:
            continue
        except (ConnectionResetError, ssl.SSLError, OSError):
            return True
    return False


def cases(check, server, secure, label):
    def good():
        status, body, _ = server.ingest([{"_msg": f"good {label} {time.time_ns()}"}])
        assert status == 200, body
        status, _, _ = server.get("/health")
        assert status == 200

    def slow_headers():
        s = connect(server, secure)
        s.sendall(b"GET /health HTTP/1.1\r\n")
        closed = False
        for i in range(40):  # one header byte every 100 ms: never a complete request
            try:
                s.sendall(b"X")
            except OSError:
                closed = True
                break
            good() if i % 10 == 0 else None
            time.sleep(0.1)
        assert closed or closed_within(s, 5), "a slowloris connection stayed open"
        s.close()
        good()

    check.run(f"{label}: slow headers are cut off, others served", slow_headers)

    def silent_connections():
        socks = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(50)]
        good()
        assert all(closed_within(s, 10) for s in socks), "silent connections (no request, no handshake) stayed open"
        for s in socks:
            s.close()
        good()

    check.run(f"{label}: silent connections closed after the idle timeout", silent_connections)

    def oversized_headers():
        s = connect(server, secure)
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n")
        s.settimeout(10)
        answer = b""
        try:
            while b"\r\n" not in answer:
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except OSError:
            pass
        s.close()
        assert answer.startswith(b"HTTP/1.1 431"), answer[:100]
        good()

    check.run(f"{label}: oversized headers get 431", oversized_headers)

    def invalid_utf8_and_truncated_gzip():
        before = server.count()
        body = (json.dumps({"_msg": "ok before"}) + "\n").encode() + b'{"_msg":"bad \xff\xfe bytes"}\n' + \
            (json.dumps({"_msg": "ok after"}) + "\n").encode()
        status, text, _ = server.request("POST", "/insert/jsonline", body=body)
        assert status == 200, text
        wait_for("the good rows around invalid UTF-8", lambda: server.count() >= before + 2)
        whole = gzip.compress(b"".join((json.dumps({"_msg": f"gz {i}"}) + "\n").encode() for i in range(1000)))
        status, text, _ = server.request("POST", "/insert/jsonline", body=whole[: len(whole) // 2],
                                         headers={"Content-Encoding": "gzip"})
        assert status == 400, (status, text)
        good()

    check.run(f"{label}: invalid UTF-8 and truncated gzip answered, neighbours kept", invalid_utf8_and_truncated_gzip)

    def many_tiny_requests():
        rss0 = rss_mib(server.proc.pid)
        s = connect(server, secure)
        s.settimeout(10)
        request = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
        n, batch = 10000, 100
        got = 0
        for _ in range(n // batch):  # pipelined in batches: many requests, few round trips
            s.sendall(request * batch)
            buf = b""
            while buf.count(b"\r\n\r\nOK") < batch:
                chunk = s.recv(65536)
                assert chunk, "connection closed during tiny requests"
                buf += chunk
            got += batch
        s.close()
        assert got == n
        grown = rss_mib(server.proc.pid) - rss0
        assert grown < 64, f"resident memory grew by {grown:.0f} MiB over {n} tiny requests"
        good()

    check.run(f"{label}: 10k tiny requests, bounded memory", many_tiny_requests)


def main():
    binary = binary_from_args()
    check = Check()
    certs = tempfile.mkdtemp(prefix="vl-certs-")
    servers = []
    try:
        make_certs(certs)
        plain = Server(binary, extra_flags=[IDLE]).start()
        servers.append(plain)
        c = lambda n: os.path.join(certs, n)  # noqa: E731
        secure = SecureServer(binary, certs, auth=(), extra_flags=[
            IDLE, "-tls", f"-tlsCertFile={c('server.pem')}", f"-tlsKeyFile={c('server.key')}"]).start()
        servers.append(secure)
        cases(check, plain, False, "http")
        cases(check, secure, True, "https")
    finally:
        for s in servers:
            s.cleanup()
        shutil.rmtree(certs, ignore_errors=True)
    check.finish()


if __name__ == "__main__":
    main()
