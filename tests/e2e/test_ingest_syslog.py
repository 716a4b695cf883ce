"""Syslog ingestion over TCP, UDP and TLS on a single node and on a router over two nodes, sent by
real senders: util-linux `logger` (RFC 5424 octet-counted over TCP, RFC 3164 over UDP) and
Debian's `rsyslogd` forwarding what it receives (octet-counted RFC 5424 over TCP, traditional
RFC 3164 over UDP). A TLS listener gets newline-framed messages through Python's ssl module and a
gzip listener a compressed stream. Per-listener tenant, extra and stream fields are checked, and
a bad message in the middle of a connection is skipped while its neighbours are stored."""
import gzip
import os
import re
import socket
import ssl
import subprocess
import tempfile
import time

from vlserver import Check, Server, binary_from_args, metric, wait_for

BOUND_RE = re.compile(r"-syslog\.listenAddr\.(tcp|udp)=(\S+) \(127\.0\.0\.1:(\d+)")


def make_cert(d):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "syslog.key", "-out",
                    "syslog.pem", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   cwd=d, check=True, capture_output=True, timeout=60)
    return os.path.join(d, "syslog.pem"), os.path.join(d, "syslog.key")


def syslog_flags(cert, key):
    # TCP listeners: 0 plain (default settings), 1 TLS, 2 gzip. UDP: 0 tenant 5 with extra fields.
    return ["-syslog.listenAddr.tcp=127.0.0.1:0,127.0.0.1:0,127.0.0.1:0",
            "-syslog.tls=false,true,false", f"-syslog.tlsCertFile=,{cert},", f"-syslog.tlsKeyFile=,{key},",
            "-syslog.compressMethod.tcp=none,none,gzip",
            "-syslog.timezone=UTC",
            "-syslog.listenAddr.udp=127.0.0.1:0", "-syslog.tenantID.udp=5:0",
            '-syslog.extraFields.udp={"via":"udp","env":"test"}', '-syslog.streamFields.udp=["hostname","app_name"]']


def listener_ports(server):
    """[(transport, port)] in flag order, read from the server's log."""
    found = []

    def ready():
        found[:] = [(m.group(1), int(m.group(3))) for m in BOUND_RE.finditer(server.read_log())]
        return len(found) == 4

    wait_for("syslog listeners started", ready)
    return [p for t, p in found if t == "tcp"], [p for t, p in found if t == "udp"]


def send_tcp(port, data, wrap=None):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        conn = wrap(s) if wrap else s
        conn.sendall(data)
        if wrap:
            conn.unwrap()


def rows(target, q, **args):
    status, out = target.query(q, **args)
    assert status == 200, out
    return out


def run_logger(*args):
    subprocess.run(["logger", *args], check=True, timeout=20, capture_output=True)


def start_rsyslog(workdir, in_port, tcp_port, udp_port):
    conf = os.path.join(workdir, "rsyslog.conf")
    with open(conf, "w") as f:
        f.write(f'''global(workDirectory="{workdir}")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="{in_port}")
*.* action(type="omfwd" target="127.0.0.1" port="{tcp_port}" protocol="tcp" TCP_Framing="octet-counted"
           template="RSYSLOG_SyslogProtocol23Format")
*.* action(type="omfwd" target="127.0.0.1" port="{udp_port}" protocol="udp"
           template="RSYSLOG_TraditionalForwardFormat")
''')
    proc = subprocess.Popen(["rsyslogd", "-n", "-f", conf, "-i", os.path.join(workdir, "rsyslog.pid")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return proc


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    binary = binary_from_args()
    check = Check()
    workdir = tempfile.mkdtemp(prefix="vl-syslog-")
    cert, key = make_cert(workdir)
    base = ["-retentionPeriod=100y"]
    single = Server(binary, extra_flags=base + syslog_flags(cert, key)).start()
    nodes = [Server(binary, extra_flags=base).start(), Server(binary, extra_flags=base).start()]
    router = Server(binary, storage_nodes=nodes, extra_flags=base + syslog_flags(cert, key)).start()
    servers = [single, *nodes, router]
    rsyslog = None
    try:
        for name, target in (("single", single), ("cluster", router)):
            (tcp, tls_port, gz_port), (udp,) = listener_ports(target)
            tag = f"{name}-{os.getpid()}"

            def with_logger(target=target, tcp=tcp, udp=udp, tag=tag, name=name):
                t0 = time.time()
                run_logger("--tcp", "--octet-count", "--rfc5424", "-n", "127.0.0.1", "-P", str(tcp), "-t", "billing",
                           "--id=4242", "--msgid", "PAY", "--sd-id", "order@32473", "--sd-param", 'id="17"',
                           f"logger tcp {tag}")
                run_logger("--udp", "--rfc3164", "-n", "127.0.0.1", "-P", str(udp), "-t", "cron", "-p", "cron.err",
                           f"logger udp {tag}")
                wait_for(f"{name}: logger rows", lambda: target.count(f'"{tag}"') == 1 and
                         target.count(f'"{tag}"', headers={"AccountID": "5"}) == 1)
                [r] = rows(target, f'"logger tcp {tag}"')
                assert r["_msg"] == f"logger tcp {tag}", r
                assert r["app_name"] == "billing" and r["proc_id"] == "4242" and r["msg_id"] == "PAY", r
                assert r["order@32473.id"] == "17" and r["format"] == "rfc5424" and r["level"] == "notice", r
                assert r["_stream"] == f'{{app_name="billing",hostname="{r["hostname"]}",proc_id="4242"}}', r
                got = time.mktime(time.strptime(r["_time"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
                assert abs(got - t0) < 60, (r["_time"], t0)
                [u] = rows(target, f'"logger udp {tag}"', headers={"AccountID": "5"})
                assert u["app_name"] == "cron" and u["level"] == "error" and u["facility_keyword"] == "cron", u
                assert u["format"] == "rfc3164" and u["via"] == "udp" and u["env"] == "test", u
                assert u["_stream"] == f'{{app_name="cron",hostname="{u["hostname"]}"}}', u

            check.run(f"{name}: logger over TCP (octet-counted RFC 5424) and UDP (RFC 3164, tenant 5)", with_logger)

            def with_rsyslog(target=target, tcp=tcp, udp=udp, tag=tag, name=name):
                nonlocal rsyslog
                in_port = free_udp_port()
                rsyslog = start_rsyslog(workdir, in_port, tcp, udp)
                try:
                    # rsyslog takes a moment to open its input; resend until both copies arrive.
                    def delivered():
                        run_logger("--udp", "--rfc3164", "-n", "127.0.0.1", "-P", str(in_port), "-t", "relayed",
                                   f"via rsyslog {tag}")
                        time.sleep(0.5)
                        return (target.count(f'"via rsyslog {tag}"') >= 1 and
                                target.count(f'"via rsyslog {tag}"', headers={"AccountID": "5"}) >= 1)

                    wait_for(f"{name}: rsyslog relayed over TCP and UDP", delivered)
                finally:
                    rsyslog.terminate()
                    rsyslog.wait(timeout=20)
                    rsyslog = None
                r = rows(target, f'"via rsyslog {tag}" | limit 1')[0]
                # rsyslog's %msg% keeps the space that followed the RFC 3164 tag; the newline its
                # template puts at the end of the counted frame is framing and is dropped.
                assert r["app_name"] == "relayed" and r["format"] == "rfc5424", r
                assert r["_msg"] == f" via rsyslog {tag}", r
                u = rows(target, f'"via rsyslog {tag}" | limit 1', headers={"AccountID": "5"})[0]
                assert u["app_name"] == "relayed" and u["format"] == "rfc3164" and u["via"] == "udp", u

            check.run(f"{name}: rsyslog forwards over TCP (octet-counted) and UDP", with_rsyslog)

            def tls_and_gzip(target=target, tls_port=tls_port, gz_port=gz_port, tag=tag, name=name):
                ctx = ssl.create_default_context(cafile=cert)
                lines = (f"<14>1 2025-01-01T00:00:01Z h1 app 1 - - tls one {tag}\n"
                         f"<14>1 not-a-time h1 app 1 - - tls bad {tag}\n"
                         f"<14>1 2025-01-01T00:00:02Z h1 app 1 - - tls two {tag}\n").encode()
                errors0 = metric(target, 'vl_errors_total{type="syslog"}') or 0
                send_tcp(tls_port, lines, wrap=lambda s: ctx.wrap_socket(s, server_hostname="127.0.0.1"))
                gz = gzip.compress(f"<14>Jan  1 00:00:03 h2 gz[7]: gzip three {tag}\n".encode())
                send_tcp(gz_port, gz)
                wait_for(f"{name}: TLS and gzip rows", lambda: target.count(f'"{tag}" ("tls" or "gzip")') == 3)
                got = rows(target, f'"{tag}" ("tls" or "gzip") | sort by (_time) | fields _time, _msg, hostname')
                assert [r["_msg"] for r in got] == [f"tls one {tag}", f"tls two {tag}", f"gzip three {tag}"], got
                assert got[0]["_time"] == "2025-01-01T00:00:01Z" and got[1]["_time"] == "2025-01-01T00:00:02Z", got
                assert got[2]["_time"].endswith("-01-01T00:00:03Z"), got
                assert (metric(target, 'vl_errors_total{type="syslog"}') or 0) > errors0
                assert "skipped 1 message(s)" in target.read_log()

            check.run(f"{name}: TLS listener, gzip listener, a bad timestamp skips one message only", tls_and_gzip)

            def tls_refuses_plain(target=target, tls_port=tls_port, tag=tag, name=name):
                send_tcp(tls_port, f"<14>1 2025-01-01T00:00:05Z h app - - - plaintext {tag}\n".encode())
                wait_for("handshake error counted",
                         lambda: (metric(target, "vl_syslog_tls_handshake_errors_total") or 0) >= 1)
                assert target.count(f'"plaintext {tag}"') == 0
                status, _, _ = target.get("/health")
                assert status == 200

            check.run(f"{name}: plaintext on the TLS port is refused, node stays up", tls_refuses_plain)

        def stop_commits_open_connection():
            (tcp, _, _), _ = listener_ports(single)
            with socket.create_connection(("127.0.0.1", tcp), timeout=10) as conn:
                conn.sendall(b"".join(b"<14>1 2025-02-01T00:00:00Z h app - - - before-stop %d\n" % i
                                      for i in range(1000)))
                time.sleep(0.2)  # in the server's socket, not yet necessarily committed
                assert single.stop() == 0
            single.start()
            assert single.count('"before-stop"') == 1000

        check.run("single: SIGTERM commits what an open syslog connection sent", stop_commits_open_connection)

        def bad_flags():
            for flag, want in (("-syslog.streamFields.tcp=hostname", "-syslog.streamFields.tcp"),
                               ("-syslog.compressMethod.tcp=snappy", "-syslog.compressMethod.tcp"),
                               ("-syslog.timezone=Mars/Base", "-syslog.timezone")):
                proc = subprocess.run([binary, "-httpListenAddr=127.0.0.1:0", "-syslog.listenAddr.tcp=127.0.0.1:0",
                                       flag, f"-storageDataPath={workdir}/bad"],
                                      capture_output=True, text=True, timeout=30)
                assert proc.returncode != 0 and want in proc.stderr + proc.stdout, (flag, proc.stderr[-500:])

        check.run("bad -syslog.* flags stop the start with a message naming the flag", bad_flags)
    finally:
        if rsyslog is not None:
            rsyslog.kill()
        for s in servers:
            s.cleanup()
        subprocess.run(["rm", "-rf", workdir], check=False)
    check.finish()


if __name__ == "__main__":
    main()
