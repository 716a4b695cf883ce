"""A small threaded TCP proxy for end-to-end tests: it sits between a router and a storage node
(the router's -storageNode points at it), records the bytes of every connection in both
directions, counts the connections open at once and the requests in flight, and can hold all
forwarding for a while, so tests can see what a router really sends and how much of it at once."""
import socket
import threading
import time

POLL_S = 0.2  # how often a blocked accept or recv looks at the stop flag
CONNECT_TIMEOUT_S = 5


class Connection:
    """One proxied connection: `up` holds the client's bytes, `down` the target's answer."""

    def __init__(self, index):
        self.index = index
        self.up = bytearray()
        self.down = bytearray()
        self.awaiting_answer = False  # the client sent bytes the target has not answered yet

    def request_head(self):
        """The first request's line and headers, as text."""
        return bytes(self.up).split(b"\r\n\r\n", 1)[0].decode("latin-1")

    def request_header(self, name):
        """A header of the first request (None when absent); the name is case-insensitive."""
        for line in self.request_head().split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return None

    def is_request(self, method, path_prefix):
        return self.request_head().startswith(f"{method} {path_prefix}")


class TcpProxy:
    """Listens on 127.0.0.1, port 0; forwards each accepted connection to `target` (host:port)."""

    def __init__(self, target, lifetime_s=600):
        host, _, port = target.rpartition(":")
        self.target = (host, int(port))
        self.lifetime_deadline = time.time() + lifetime_s  # a forgotten proxy still ends
        self.listener = None
        self.port = 0
        self.connections = []
        self.open_now = 0
        self.peak_open = 0
        # Requests in flight: a connection counts from the client's first bytes of a request to
        # the target's first bytes of the answer. Unlike open connections this does not depend on
        # when a client returns a connection to its pool.
        self.in_flight_now = 0
        self.peak_in_flight = 0
        self._cond = threading.Condition()
        self._hold = None  # (connections to wait for, deadline) while forwarding is held
        self._stopped = threading.Event()
        self._threads = []

    @property
    def addr(self):
        return f"127.0.0.1:{self.port}"

    def start(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.settimeout(POLL_S)
        self.port = self.listener.getsockname()[1]
        self._spawn(self._accept_loop)
        return self

    def stop(self):
        self._stopped.set()
        with self._cond:
            self._cond.notify_all()
        for t in self._threads:
            t.join(timeout=10)
        if self.listener is not None:
            self.listener.close()

    def hold(self, until_connections, at_most_seconds):
        """From now on, forward nothing (either way) until `until_connections` connections have
        been accepted in all or `at_most_seconds` have passed, whichever comes first. Bytes are
        still read and recorded, so senders do not block on full buffers."""
        with self._cond:
            self._hold = (until_connections, time.time() + at_most_seconds)

    def snapshot(self):
        """Copies of the connections so far (a test reads them while pumps may still append)."""
        with self._cond:
            out = []
            for c in self.connections:
                copy = Connection(c.index)
                copy.up, copy.down = bytearray(c.up), bytearray(c.down)
                out.append(copy)
            return out

    def _release_if_due(self):
        # Called with _cond held.
        if self._hold is None:
            return
        wanted, deadline = self._hold
        if len(self.connections) >= wanted or time.time() >= deadline:
            self._hold = None
            self._cond.notify_all()

    def _wait_for_release(self):
        with self._cond:
            while self._hold is not None and not self._stopped.is_set():
                self._release_if_due()
                if self._hold is None:
                    break
                self._cond.wait(POLL_S)

    def _running(self):
        return not self._stopped.is_set() and time.time() < self.lifetime_deadline

    def _spawn(self, fn, *args):
        t = threading.Thread(target=fn, args=args, daemon=True)
        t.start()
        self._threads.append(t)

    def _accept_loop(self):
        while self._running():
            try:
                client, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            try:
                server = socket.create_connection(self.target, timeout=CONNECT_TIMEOUT_S)
            except OSError:
                client.close()
                continue
            client.settimeout(POLL_S)
            server.settimeout(POLL_S)
            with self._cond:
                conn = Connection(len(self.connections))
                self.connections.append(conn)
                self.open_now += 1
                self.peak_open = max(self.peak_open, self.open_now)
                self._release_if_due()
                self._cond.notify_all()
            pumps_left = [2]
            self._spawn(self._pump, client, server, conn, True, pumps_left)
            self._spawn(self._pump, server, client, conn, False, pumps_left)

    def _note(self, conn, upstream):
        # Called with _cond held, before the bytes are forwarded: an answer is counted before
        # the client can see it and send its next request.
        if upstream and not conn.awaiting_answer:
            conn.awaiting_answer = True
            self.in_flight_now += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight_now)
        elif not upstream and conn.awaiting_answer:
            conn.awaiting_answer = False
            self.in_flight_now -= 1

    def _pump(self, src, dst, conn, upstream, pumps_left):
        """Copies src to dst until src ends; the last of a connection's two pumps closes it."""
        record = conn.up if upstream else conn.down
        try:
            while self._running():
                try:
                    data = src.recv(1 << 16)
                except socket.timeout:
                    continue
                except OSError:
                    break
                if not data:
                    break
                with self._cond:
                    record += data
                    self._note(conn, upstream)
                self._wait_for_release()
                if not self._send_all(dst, data):
                    break
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            with self._cond:
                pumps_left[0] -= 1
                last = pumps_left[0] == 0
                if last:
                    self.open_now -= 1
                    if conn.awaiting_answer:
                        conn.awaiting_answer = False
                        self.in_flight_now -= 1
            if last:
                src.close()
                dst.close()

    def _send_all(self, sock, data):
        """sendall that survives the short socket timeout (a slow reader), bounded by the stop flag."""
        view = memoryview(data)
        while view and self._running():
            try:
                sent = sock.send(view)
            except socket.timeout:
                continue
            except OSError:
                return False
            view = view[sent:]
        return not view
