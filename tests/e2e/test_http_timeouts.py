"""Connection lifetime end to end: -http.idleConnTimeout closes silent keep-alive connections
(their server threads go away), -http.connTimeout makes an old connection's next response say
`Connection: close`, and bad values are refused at start."""
import http.client
import socket
import subprocess
import time

from vlserver import Check, Server, binary_from_args

BINARY = binary_from_args()


def closed_by_server(sock, within_seconds):
    """True when the server closes `sock` (recv returns b"") within the given time."""
    sock.settimeout(within_seconds)
    try:
        return sock.recv(1) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def idle_timeout(check):
    server = Server(BINARY, extra_flags=["-http.idleConnTimeout=1s"]).start()
    try:
        def silent_connection_closed():
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            try:
                # Nothing sent: closed after about a second, well before the 10 s bound.
                t0 = time.time()
                assert closed_by_server(sock, 10), "idle connection still open after 10 s"
                assert time.time() - t0 >= 0.5, time.time() - t0
            finally:
                sock.close()

        def keep_alive_works_then_idles_out():
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            for _ in range(3):  # requests closer together than the timeout share the connection
                conn.request("GET", "/health")
                resp = conn.getresponse()
                assert resp.status == 200 and resp.read() == b"OK", resp.status
                assert resp.getheader("Connection", "").lower() != "close"
                time.sleep(0.2)
            assert closed_by_server(conn.sock, 10), "keep-alive connection not closed when idle"
            conn.close()

        check.run("idle_connection_closed", silent_connection_closed)
        check.run("keep_alive_then_idle_close", keep_alive_works_then_idles_out)
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
            time.sleep(1.2)
            conn.request("GET", "/health")
            resp = conn.getresponse()
            assert resp.status == 200 and resp.read() == b"OK"
            assert resp.getheader("Connection", "").lower() == "close", resp.getheaders()
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
