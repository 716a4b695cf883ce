"""TLS, Basic Auth and mTLS on the HTTP listener and between cluster nodes; auth keys on the
operational endpoints. Certificates are made here with the `openssl` command (never committed):
a CA, a server certificate for 127.0.0.1, a client certificate, an untrusted client (its own CA)
and an expired client certificate."""
import base64
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from vlserver import Check, Server, binary_from_args, wait_for

USER, PASSWORD = "vl-user", "s3cret-Pa55"
ROWS = [{"_msg": f"secure row {i}", "n": str(i)} for i in range(100)]


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_certs(d):
    """CA, server (SAN 127.0.0.1/localhost), client, untrusted client, expired client."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=vl-test-ca", cwd=d)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.pem",
            "-days", "2", "-subj", "/CN=vl-untrusted-ca", cwd=d)
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    with open(os.path.join(d, "client.ext"), "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")

    def signed(name, cn, ca, ext):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                "-subj", f"/CN={cn}", cwd=d)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
                "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", ext, cwd=d)

    signed("server", "localhost", "ca", "server.ext")
    signed("rotated", "rotated-server", "ca", "server.ext")
    signed("client", "vl-router", "ca", "client.ext")
    signed("untrusted", "intruder", "other-ca", "client.ext")
    # An expired client certificate needs explicit dates: `openssl ca` takes them.
    os.makedirs(os.path.join(d, "db"))
    open(os.path.join(d, "db", "index.txt"), "w").close()
    with open(os.path.join(d, "db", "serial"), "w") as f:
        f.write("1000\n")
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write("[ca]\ndefault_ca = t\n[t]\ndatabase = db/index.txt\nnew_certs_dir = db\nserial = db/serial\n"
                "default_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "expired.key", "-out", "expired.csr",
            "-subj", "/CN=expired-router", cwd=d)
    openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", "expired.csr",
            "-out", "expired.pem", "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-notext", cwd=d)


class SecureServer(Server):
    """A Server spoken to over HTTPS with Basic auth and a client certificate."""

    def __init__(self, binary, certs, client="client", auth=(USER, PASSWORD), **kw):
        super().__init__(binary, **kw)
        self.certs, self.client, self.auth = certs, client, auth

    @property
    def url(self):
        return f"https://127.0.0.1:{self.port}"

    def context(self, client=None):
        ctx = ssl.create_default_context(cafile=os.path.join(self.certs, "ca.pem"))
        name = client if client is not None else self.client
        if name:
            ctx.load_cert_chain(os.path.join(self.certs, f"{name}.pem"), os.path.join(self.certs, f"{name}.key"))
        return ctx

    def request(self, method, path, body=None, headers=None, timeout=30, client=None, auth=None):
        headers = dict(headers or {})
        creds = auth if auth is not None else self.auth
        if creds:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{creds[0]}:{creds[1]}".encode()).decode()
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=self.context(client)) as resp:
                return resp.status, resp.read(), dict(resp.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read(), dict(e.headers)


def node_flags(certs, extra=()):
    c = lambda n: os.path.join(certs, n)  # noqa: E731
    return ["-tls", f"-tlsCertFile={c('server.pem')}", f"-tlsKeyFile={c('server.key')}",
            f"-httpAuth.username={USER}", f"-httpAuth.password={PASSWORD}",
            "-mtls", f"-mtlsCAFile={c('ca.pem')}", *extra]


def router_flags(certs, client="client", password=PASSWORD, tls=True, server_name=None):
    c = lambda n: os.path.join(certs, n)  # noqa: E731
    flags = [f"-storageNode.username={USER}", f"-storageNode.password={password}"]
    if tls:
        flags += ["-storageNode.tls", f"-storageNode.tlsCAFile={c('ca.pem')}",
                  f"-storageNode.tlsCertFile={c(client + '.pem')}", f"-storageNode.tlsKeyFile={c(client + '.key')}"]
    if server_name:
        flags.append(f"-storageNode.tlsServerName={server_name}")
    return flags


def peer_common_name(port, certs):
    ctx = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
    ctx.load_cert_chain(os.path.join(certs, "client.pem"), os.path.join(certs, "client.key"))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            subject = dict(x[0] for x in tls.getpeercert()["subject"])
            return subject.get("commonName")


def handshake_fails(port, certs, client, **ctx_args):
    ctx = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
    if "max_version" in ctx_args:
        ctx.maximum_version = ctx_args["max_version"]
    if client:
        ctx.load_cert_chain(os.path.join(certs, f"{client}.pem"), os.path.join(certs, f"{client}.key"))
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                # TLS 1.3 reports a rejected client certificate on the first read.
                tls.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                return tls.recv(100) == b""
    except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
        return True


def main():
    BINARY = binary_from_args()  # noqa: N806 - read here, so bench/tls_bench.py can import this module
    check = Check()
    certs = tempfile.mkdtemp(prefix="vl-certs-")
    servers = []
    try:
        make_certs(certs)
        node = SecureServer(BINARY, certs, extra_flags=node_flags(
            certs, ["-metricsAuthKey=metrics-key", "-flagsAuthKey=flags-key", "-forceFlushAuthKey=flush-key"]))
        node.flush = lambda: None  # force_flush needs its key here; searchable within a second anyway
        servers.append(node)

        def start_node():
            node.start()  # polls /health through SecureServer.request: HTTPS

        check.run("storage node starts with TLS, Basic Auth and mTLS", start_node)

        router = Server(BINARY, storage_nodes=[node], extra_flags=router_flags(certs)).start()
        servers.append(router)

        def secure_cluster():
            status, body, _ = router.ingest(ROWS)
            assert status == 200, body
            wait_for("rows searchable through the router", lambda: router.count() == len(ROWS))
            status, rows = router.query("n:7 | fields _msg")
            assert status == 200 and rows == [{"_msg": "secure row 7"}], rows

        check.run("router ingests and queries over HTTPS + Basic Auth + mTLS", secure_cluster)

        def unauthenticated():
            status, body, headers = node.request("GET", "/select/logsql/query?query=*", auth=())
            assert status == 401, (status, body)
            assert headers.get("WWW-Authenticate", "").startswith("Basic realm="), headers
            status, _, _ = node.request("GET", "/select/logsql/query?query=*", auth=(USER, "wrong"))
            assert status == 401
            # curl, as an operator would try it: no credentials -> 401.
            out = subprocess.run(
                ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                 "--cacert", os.path.join(certs, "ca.pem"), "--cert", os.path.join(certs, "client.pem"),
                 "--key", os.path.join(certs, "client.key"), f"https://127.0.0.1:{node.port}/select/logsql/query?query=*"],
                capture_output=True, text=True, timeout=30)
            assert out.stdout == "401", out
            status, _, _ = node.request("GET", "/health", auth=())
            assert status == 200, "/health must stay reachable without credentials"

        check.run("wrong or missing credentials get 401 with WWW-Authenticate", unauthenticated)

        def client_certificates():
            assert handshake_fails(node.port, certs, None), "no client certificate accepted"
            assert handshake_fails(node.port, certs, "untrusted"), "untrusted client certificate accepted"
            assert handshake_fails(node.port, certs, "expired"), "expired client certificate accepted"
            assert not handshake_fails(node.port, certs, "client")
            # Plain HTTP to the TLS port gets no answer it could mistake for success.
            with socket.create_connection(("127.0.0.1", node.port), timeout=10) as s:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                try:
                    data = s.recv(100)
                except ConnectionResetError:
                    data = b""
                assert not data.startswith(b"HTTP/1.1 200"), data

        check.run("mTLS: missing, untrusted and expired client certificates refused", client_certificates)

        def wrong_router_settings():
            cases = [
                ("plain HTTP", router_flags(certs, tls=False), ""),
                ("wrong password", router_flags(certs, password="nope"), "401"),
                ("untrusted client certificate", router_flags(certs, client="untrusted"), ""),
                ("wrong server name", router_flags(certs, server_name="not-this-host"), ""),
            ]
            for name, flags, must_mention in cases:
                bad = Server(BINARY, storage_nodes=[node], extra_flags=flags).start()
                servers.append(bad)
                status, body, _ = bad.ingest([{"_msg": f"must not be stored ({name})"}])
                text = body.decode("utf-8", "replace")
                assert status >= 500, f"{name}: ingest answered {status} {text[:200]}"
                assert node.addr in text or "storage node" in text, f"{name}: error does not name the node: {text}"
                assert must_mention in text, f"{name}: {text}"
                print(f"  {name}: ingest {status} {text.strip()[:160]}")
                status, text = bad.query("* | stats count() c")
                assert status >= 500, f"{name}: query answered {status} {text[:200]}"
                bad.stop()
            assert router.count() == len(ROWS), "a row sent with wrong settings was stored"
            status, rows = router.query("_msg:\"must not be stored\"")
            assert status == 200 and rows == [], rows

        check.run("each wrong router setting fails clearly and stores nothing", wrong_router_settings)

        def auth_keys():
            for path, key in (("/metrics", "metrics-key"), ("/flags", "flags-key"),
                              ("/internal/force_flush", "flush-key")):
                status, _, _ = node.request("GET", path)
                assert status == 401, f"{path} without authKey: {status}"
                status, _, _ = node.request("GET", f"{path}?authKey=wrong")
                assert status == 401, f"{path} with a wrong authKey: {status}"
                status, _, _ = node.request("GET", f"{path}?authKey={key}", auth=())
                assert status == 200, f"{path} with its authKey: {status}"

        check.run("auth keys protect /metrics, /flags and /internal/force_flush", auth_keys)

        def no_secret_shown():
            status, body, _ = node.request("GET", "/flags?authKey=flags-key")
            text = body.decode()
            assert status == 200 and "httpAuth.password" in text, text[:300]
            for secret in (PASSWORD, "metrics-key", "flags-key", "flush-key"):
                assert secret not in text, f"/flags shows a secret: {secret}"
                assert secret not in node.read_log(), f"the log shows a secret: {secret}"
                assert secret not in router.read_log(), f"the router log shows a secret: {secret}"

        check.run("no secret on /flags or in the logs", no_secret_shown)

        def tls13_only():
            strict = SecureServer(BINARY, certs, extra_flags=node_flags(certs, ["-tlsMinVersion=TLS13"]))
            servers.append(strict)
            strict.start()
            assert handshake_fails(strict.port, certs, "client", max_version=ssl.TLSVersion.TLSv1_2)
            strict.stop()

        check.run("-tlsMinVersion=TLS13 refuses TLS 1.2", tls13_only)

        def certificate_rotation():
            assert peer_common_name(node.port, certs) == "localhost"
            shutil.copy(os.path.join(certs, "rotated.pem"), os.path.join(certs, "server.pem"))
            shutil.copy(os.path.join(certs, "rotated.key"), os.path.join(certs, "server.key"))
            wait_for("the rotated certificate", lambda: peer_common_name(node.port, certs) == "rotated-server",
                     timeout=30)
            # The router's new connections take the new certificate too.
            status, body, _ = router.ingest([{"_msg": "after rotation"}])
            assert status == 200, body

        check.run("a rotated certificate is used without a restart", certificate_rotation)
    finally:
        for s in servers:
            s.cleanup()
        shutil.rmtree(certs, ignore_errors=True)
    check.finish()


if __name__ == "__main__":
    main()
