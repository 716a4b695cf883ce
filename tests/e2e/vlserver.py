"""Starts the real victoria-logs binary on a loopback port for end-to-end tests."""
import argparse
import contextlib
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HTTP_TIMEOUT = 30


DEADLINE_S = 60  # bound of every wait for something that should happen within a second or two


def wait_for(what, condition, timeout=DEADLINE_S):
    """Polls `condition` until it holds; fails naming `what` after `timeout` seconds. Slow
    machines only make it take longer, never fail it."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def metric(server, name):
    """One sample of /metrics by its full name (labels included); 0 when absent."""
    status, body, _ = server.get("/metrics")
    assert status == 200
    m = re.search(r"^" + re.escape(name) + r" ([0-9.e+]+)$", body.decode(), re.M)
    return int(float(m.group(1))) if m else 0


class PortTaken(Exception):
    """A restart found its old port held by another process."""


def binary_from_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args, rest = parser.parse_known_args()
    sys.argv = [sys.argv[0]] + rest
    return os.path.abspath(args.binary)


LISTENING_RE = re.compile(rb"listening for HTTP requests on \S+ \(port (\d+)\)")


class Server:
    """One victoria-logs process; restartable on the same data directory and port.

    The first start binds port 0 and reads the port the kernel gave from the server's log, so
    parallel tests never race for a port picked in advance. A restart asks for that same port
    again (routers point at it), retrying while another process still holds it."""

    def __init__(self, binary, data_dir=None, extra_flags=(), storage_nodes=None):
        """storage_nodes: Servers (or host:port strings) -> a cluster router with no local storage."""
        self.binary = binary
        self.storage_nodes = storage_nodes
        self.own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="vl-e2e-")
        self.port = 0
        self.extra_flags = list(extra_flags)
        self.proc = None
        self.log_path = os.path.join(self.data_dir, "..", os.path.basename(self.data_dir) + ".log")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def addr(self):
        return f"127.0.0.1:{self.port}"

    def start(self, timeout=60):
        deadline = time.time() + timeout
        while True:
            try:
                return self._start_once(deadline)
            except PortTaken:
                if time.time() >= deadline:
                    raise RuntimeError(f"port {self.port} stayed taken for {timeout} s")
                time.sleep(0.2)

    def _start_once(self, deadline):
        cmd = [self.binary, f"-httpListenAddr=127.0.0.1:{self.port}"]
        if self.storage_nodes is not None:
            nodes = ",".join(n if isinstance(n, str) else n.addr for n in self.storage_nodes)
            cmd.append(f"-storageNode={nodes}")
        else:
            cmd.append(f"-storageDataPath={self.data_dir}/data")
        cmd += self.extra_flags
        self.log = open(self.log_path, "ab")
        log_start = self.log.tell()
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        port = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self.proc = None
                self.log.close()
                with open(self.log_path, "rb") as f:
                    f.seek(log_start)
                    text = f.read().decode("utf-8", "replace")
                if self.port and "cannot listen" in text and "in use" in text:
                    raise PortTaken()
                raise RuntimeError(f"server exited with code {code}: {text[-2000:]}")
            if port is None:
                with open(self.log_path, "rb") as f:
                    f.seek(log_start)
                    m = LISTENING_RE.search(f.read())
                if m:
                    port = int(m.group(1))
                    if self.port and port != self.port:
                        raise RuntimeError(f"restarted on port {port}, wanted {self.port}")
                    self.port = port
            if port is not None:
                try:
                    status, body, _ = self.get("/health", timeout=5)
                    if status == 200 and body == b"OK":
                        return self
                except OSError:
                    pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("server did not become healthy in time")

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, timeout=60):
        """Graceful stop (SIGTERM); returns the exit code."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        self.proc = None
        self.log.close()
        return code

    def kill(self):
        """kill -9: no chance to flush anything."""
        if self.proc is None:
            return
        self.proc.kill()
        self.proc.wait(timeout=30)
        self.proc = None
        self.log.close()

    def cleanup(self):
        if self.proc is not None:
            self.kill()
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            try:
                os.remove(self.log_path)
            except OSError:
                pass

    def request(self, method, path, body=None, headers=None, timeout=HTTP_TIMEOUT):
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read(), dict(resp.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read(), dict(e.headers)

    def get(self, path, timeout=HTTP_TIMEOUT):
        return self.request("GET", path, timeout=timeout)

    def ingest(self, lines, params="", headers=None, compress=None):
        body = "".join(line if isinstance(line, str) else json.dumps(line) + "\n" for line in lines).encode()
        headers = dict(headers or {})
        if compress == "gzip":
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        path = "/insert/jsonline" + ("?" + params if params else "")
        return self.request("POST", path, body=body, headers=headers)

    def query(self, q, **args):
        """Runs a LogsQL query; returns (status, list of row dicts or error text)."""
        status, rows, _ = self.query_with_headers(q, **args)
        return status, rows

    def query_with_headers(self, q, **args):
        headers = args.pop("headers", None)
        args["query"] = q
        status, body, resp_headers = self.request("GET", "/select/logsql/query?" + urllib.parse.urlencode(args),
                                       headers=headers)
        if status != 200:
            return status, body.decode(), resp_headers
        return status, [json.loads(line) for line in body.decode().splitlines() if line], resp_headers

    def count(self, q="*", **args):
        status, rows = self.query(q + " | stats count() as c", **args)
        assert status == 200, rows
        return int(rows[0]["c"])

    def flush(self):
        status, _, _ = self.get("/internal/force_flush")
        assert status == 200


@contextlib.contextmanager
def node_and_cluster(binary, flags=()):
    """Yields [("single", node), ("cluster", router)]: a single node, and a router over two storage
    nodes, all with `flags`; every process is stopped and its data removed on exit."""
    servers = []
    try:
        single = Server(binary, extra_flags=flags).start()
        servers.append(single)
        nodes = []
        for _ in range(2):
            nodes.append(Server(binary, extra_flags=flags).start())
            servers.append(nodes[-1])
        router = Server(binary, storage_nodes=nodes, extra_flags=flags).start()
        servers.append(router)
        yield [("single", single), ("cluster", router)]
    finally:
        for s in servers:
            s.cleanup()


class Check:
    """Minimal test harness: named cases, a summary line, non-zero exit on failure."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, fn):
        t0 = time.time()
        try:
            fn()
            self.passed += 1
            print(f"PASS {name} ({time.time() - t0:.2f}s)", flush=True)
        except Exception as e:  # noqa: BLE001 - report every failure and keep going
            self.failed += 1
            import traceback
            traceback.print_exc()
            print(f"FAIL {name}: {e}", flush=True)

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)
