"""Connection lifetime end to end: -http.idleConnTimeout closes silent keep-alive connections
(their server threads go away), and also connections whose client stops in the middle of a
request body or stops reading a response; -http.connTimeout makes an old connection's next
response say `Connection: close`; bad values are refused at start."""
import http.client
import socket
import subprocess
import time

from vlserver import Check, Server, binary_from_args, metric, wait_for

BINARY = binary_from_args()


def idle_closed_total(server):
    """How many connections the server has shut down for -http.idleConnTimeout."""
    return metric(server, "vl_http_idle_conns_closed_total")


def closed_by_server(sock, within_seconds):
    """True when the server closes `sock` (recv returns b"") within the given time."""
    sock.settimeout(within_seconds)
    try:
        return sock.recv(1) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def drain_until_closed(sock, within_seconds, what):
    """Everything the server still sends on `sock` until it closes it; fails the check when the
    connection is still open after `within_seconds` of silence."""
    sock.settimeout(within_seconds)
    data = bytearray()
    try:
        while True:
            chunk = sock.recv(1 << 16)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    except socket.timeout:
        raise AssertionError(f"{what} still open after {within_seconds} s")
    return bytes(data)


def idle_timeout(check):
    server = Server(BINARY, extra_flags=["-http.idleConnTimeout=1s"]).start()
    try:
        def silent_connection_closed():
            before = idle_closed_total(server)
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            try:
                # Nothing sent: the idle reaper (not some other error) closes it after about a second.
                assert closed_by_server(sock, 30), "idle connection still open after 30 s"
                assert idle_closed_total(server) > before
            finally:
                sock.close()

        def keep_alive_works_then_idles_out():
            before = idle_closed_total(server)
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            for _ in range(3):  # back-to-back requests share the connection
                conn.request("GET", "/health")
                resp = conn.getresponse()
                assert resp.status == 200 and resp.read() == b"OK", resp.status
                assert resp.getheader("Connection", "").lower() != "close"
            assert closed_by_server(conn.sock, 30), "keep-alive connection not closed when idle"
            assert idle_closed_total(server) > before
            conn.close()

        def stalled_body_closed_and_nothing_stored():
            before = idle_closed_total(server)
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            try:
                line = b'{"_msg":"half a request","stall":"1"}\n'
                head = (b"POST /insert/jsonline HTTP/1.1\r\nHost: x\r\n"
                        b"Content-Length: 100000\r\n\r\n")
                sock.sendall(head + line)  # then nothing more of the promised 100000 bytes
                # The server gives up on the body after the timeout: it answers with an error or
                # just closes; either way the connection ends, closed by the idle reaper.
                data = drain_until_closed(sock, 30, "stalled request")
                assert idle_closed_total(server) > before
                assert not data.startswith(b"HTTP/1.1 200"), data[:200]
            finally:
                sock.close()
            server.flush()
            assert server.count("stall:1") == 0, "rows of an incomplete body were stored"
            status, _, _ = server.ingest([{"_msg": "after the stall"}])  # the server still serves
            assert status == 200, status

        def unread_response_closed():
            status, _, _ = server.ingest([{"_msg": "y" * 500, "n": str(i)} for i in range(20000)])
            assert status == 200, status
            server.flush()
            # A bounded receive buffer (set before connecting, so the window stays small): the
            # ~11 MB answer cannot fit into it plus the server's send buffer (at most 4 MB).
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 256 * 1024)
            sock.settimeout(5)
            before = idle_closed_total(server)
            sock.connect(("127.0.0.1", server.port))
            try:
                sock.sendall(b"GET /select/logsql/query?query=%2A HTTP/1.1\r\nHost: x\r\n\r\n")
                # Read nothing: the server's writes block on the full buffers until it gives up on
                # the response and closes; then draining what was already queued ends at EOF.
                wait_for("the server to close the stalled connection", lambda: idle_closed_total(server) > before)
                received = len(drain_until_closed(sock, 30, "connection of an unread response"))
                assert received < 10_000_000, received  # cut short, not the whole answer
            finally:
                sock.close()
            status, _ = server.query("* | count()")
            assert status == 200, status

        check.run("idle_connection_closed", silent_connection_closed)
        check.run("keep_alive_then_idle_close", keep_alive_works_then_idles_out)
        check.run("stalled_body_closed_nothing_stored", stalled_body_closed_and_nothing_stored)
        check.run("unread_response_closed", unread_response_closed)
    finally:
        server.cleanup()


def conn_timeout(check):
    server = Server(BINARY, extra_flags=["-http.connTimeout=1s"]).start()
    try:
        def old_connection_told_to_close():
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            conn.request("GET", "/health")
            resp = conn.getresponse()
            resp.read()
            assert resp.getheader("Connection", "").lower() != "close"
            # Requests on the same connection until it is older than the 1 s limit: then the
            # response says `Connection: close` (polled, under a generous bound).
            deadline = time.time() + 30
            while True:
                assert time.time() < deadline, "no `Connection: close` within 30 s"
                time.sleep(0.1)
                conn.request("GET", "/health")
                resp = conn.getresponse()
                assert resp.status == 200 and resp.read() == b"OK"
                if resp.getheader("Connection", "").lower() == "close":
                    break
            conn.close()

        check.run("old_connection_gets_connection_close", old_connection_told_to_close)
    finally:
        server.cleanup()


def bad_values(check):
    def refused(flag):
        proc = subprocess.run([BINARY, flag, "-httpListenAddr=127.0.0.1:0"], capture_output=True, timeout=30)
        assert proc.returncode != 0, (flag, proc.returncode)
        text = (proc.stdout + proc.stderr).decode()
        assert flag.split("=")[0].lstrip("-") in text, text

    check.run("bad_idle_timeout_refused", lambda: refused("-http.idleConnTimeout=soon"))
    check.run("bad_conn_timeout_refused", lambda: refused("-http.connTimeout=-5s"))


def main():
    check = Check()
    idle_timeout(check)
    conn_timeout(check)
    bad_values(check)
    check.finish()


if __name__ == "__main__":
    main()
