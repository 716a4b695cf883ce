"""journald ingestion (/insert/journald/upload) on a single node and through a router over two
nodes, with Debian's own systemd tools: an export-format file is turned into a journal file by
`systemd-journal-remote`, then `systemd-journal-upload` sends it (once, and in --follow mode,
whose endless request body is stored as it streams). Entries come back with `_msg` (binary
multi-line MESSAGE included), `level` from PRIORITY, the journald stream fields and their
time; `__` metadata is dropped. curl-shaped requests check the content type, bad field names,
a truncated binary field, a zstd body and the `Accept-Encoding: zstd` answer header."""
import atexit
import os
import shutil
import struct
import subprocess
import tempfile
import time

import zstandard

from vlserver import Check, binary_from_args, node_and_cluster, wait_for

SYSTEMD = next((d for d in ("/lib/systemd", "/usr/lib/systemd")
                if os.path.exists(os.path.join(d, "systemd-journal-upload"))), "/lib/systemd")
UPLOAD = os.path.join(SYSTEMD, "systemd-journal-upload")
REMOTE = os.path.join(SYSTEMD, "systemd-journal-remote")
JOURNAL = "application/vnd.fdo.journal"
MACHINE = "0123456789abcdef0123456789abcdef"


def entry(ts_us, message, priority, unit, extra=b""):
    msg = message.encode()
    if b"\n" in msg:
        msg_field = b"MESSAGE\n" + struct.pack("<Q", len(msg)) + msg + b"\n"
    else:
        msg_field = b"MESSAGE=" + msg + b"\n"
    return (f"__REALTIME_TIMESTAMP={ts_us}\n_HOSTNAME=h1\n_MACHINE_ID={MACHINE}\n_SYSTEMD_UNIT={unit}\n"
            f"PRIORITY={priority}\n").encode() + msg_field + extra + b"\n"


def journal_file(workdir, name, export):
    path = os.path.join(workdir, name)
    subprocess.run([REMOTE, f"--output={path}", "-"], input=export, check=True, capture_output=True, timeout=30)
    return path


def rows(target, q):
    status, out = target.query(q)
    assert status == 200, out
    return out


def main():
    binary = binary_from_args()
    check = Check()
    workdir = tempfile.mkdtemp(prefix="vl-journald-")
    atexit.register(shutil.rmtree, workdir, True)
    flags = ["-retentionPeriod=100y"]
    with node_and_cluster(binary, flags) as targets:
        for name, target in targets:
            tag = f"{name}{os.getpid()}"

            def upload_file(target=target, tag=tag, name=name):
                export = (entry(1735689601000000, f"disk failed {tag}", 3, "db.service", b"CUSTOM_FIELD=x1\n") +
                          entry(1735689602000000, f"two\nlines {tag}", 6, "db.service"))
                path = journal_file(workdir, f"{name}-once.journal", export)
                out = subprocess.run([UPLOAD, "--follow=no", f"--file={path}", f"--url={target.url}/insert/journald"],
                                     capture_output=True, text=True, timeout=60)
                assert out.returncode == 0, out.stderr
                wait_for(f"{name}: 2 entries", lambda: target.count(tag) == 2)
                got = rows(target, f"{tag} | sort by (_time)")
                assert got[0]["_msg"] == f"disk failed {tag}" and got[0]["level"] == "error", got[0]
                assert got[0]["_time"] == "2025-01-01T00:00:01Z" and got[0]["CUSTOM_FIELD"] == "x1", got[0]
                assert got[0]["_stream"] == (f'{{_HOSTNAME="h1",_MACHINE_ID="{MACHINE}",'
                                             f'_SYSTEMD_UNIT="db.service"}}'), got[0]
                assert not any(k.startswith("__") for k in got[0]), got[0]
                assert got[1]["_msg"] == f"two\nlines {tag}" and got[1]["level"] == "info", got[1]

            check.run(f"{name}: systemd-journal-upload sends a journal file", upload_file)

            def follow_mode(target=target, tag=tag, name=name):
                export = b"".join(entry(1735689610000000 + i, f"followed {i} {tag}", 5, "app.service")
                                  for i in range(50))
                path = journal_file(workdir, f"{name}-follow.journal", export)
                proc = subprocess.Popen([UPLOAD, "--follow=yes", f"--file={path}",
                                         f"--url={target.url}/insert/journald"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                try:
                    # The upload's body never ends; its entries are searchable while it runs.
                    wait_for(f"{name}: streamed entries", lambda: target.count(f"followed {tag}") == 50)
                    assert proc.poll() is None, "journal-upload --follow should still be running"
                finally:
                    proc.terminate()
                    proc.wait(timeout=20)
                [r] = rows(target, f'"followed 49 {tag}"')
                assert r["level"] == "notice" and r["_SYSTEMD_UNIT"] == "app.service", r

            check.run(f"{name}: systemd-journal-upload --follow streams into storage", follow_mode)

            def raw_requests(target=target, tag=tag, name=name):
                body = entry(1735689620000000, f"plain {tag}", 4, "x.service")
                status, text, headers = target.request("POST", "/insert/journald/upload", body=body,
                                                       headers={"Content-Type": "text/plain"})
                assert status == 400 and JOURNAL.encode() in text, (status, text)
                bad_names = entry(1735689621000000, f"bad names {tag}", 4, "x.service",
                                  b"lower=skipped\n9DIGIT=skipped\nGOOD_ONE=kept\n")
                status, text, headers = target.request(
                    "POST", "/insert/journald/upload", body=zstandard.ZstdCompressor().compress(bad_names),
                    headers={"Content-Type": JOURNAL, "Content-Encoding": "zstd"})
                assert status == 200 and headers.get("Accept-Encoding") == "zstd", (status, text, headers)
                truncated = entry(1735689622000000, f"kept before cut {tag}", 4, "x.service") + \
                    b"MESSAGE\n" + struct.pack("<Q", 1000) + b"only a few bytes"
                status, text, _ = target.request("POST", "/insert/journald/upload", body=truncated,
                                                 headers={"Content-Type": JOURNAL})
                assert status == 400 and b'binary field "MESSAGE"' in text, (status, text)
                wait_for(f"{name}: raw entries", lambda: target.count(f'"bad names {tag}" or "kept before cut {tag}"')
                         == 2)
                [r] = rows(target, f'"bad names {tag}"')
                assert r["GOOD_ONE"] == "kept" and "lower" not in r and "9DIGIT" not in r, r
                assert r["level"] == "warning", r
                assert target.count(f'"plain {tag}"') == 0
                assert target.get("/health")[0] == 200

            check.run(f"{name}: content type, bad names, truncated binary field, zstd body", raw_requests)
    check.finish()


if __name__ == "__main__":
    main()
