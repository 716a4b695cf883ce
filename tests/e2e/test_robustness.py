"""Node protection end to end: the free disk space guard (read-only, 429, recovery), the disk usage
cap, ingestion limits with their counters, rows outside the retention window, write amplification
metrics."""
import time
from datetime import datetime, timedelta, timezone

from vlserver import Check, Server, binary_from_args

BINARY = binary_from_args()


def metrics(server):
    status, body, _ = server.get("/metrics")
    assert status == 200
    out = {}
    for line in body.decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_utc():
    return datetime.now(timezone.utc)


def read_only_and_recovery(check):
    # A threshold far above any real free space makes the node read-only at once.
    server = Server(BINARY, extra_flags=["-storage.minFreeDiskSpaceBytes=1000TB"]).start()
    try:
        def inserts_get_429():
            status, body, _ = server.ingest([{"_msg": "refused"}])
            assert status == 429, (status, body)
            assert b"read-only" in body, body
            status, body, _ = server.request("POST", "/internal/insert?version=v1", body=b"x" * 1000)
            assert status == 429, (status, body)
            m = metrics(server)
            assert m["vl_storage_is_read_only"] == 1, m
            assert m["vl_free_disk_space_bytes"] > 0, m
            assert m["vl_insert_rejected_read_only_total"] >= 2, m
            assert "cannot store" not in server.read_log()
            assert "read-only" in server.read_log()
            # Queries still work on a read-only node.
            assert server.count() == 0

        check.run("read_only_inserts_get_429", inserts_get_429)
        server.stop()
        server.extra_flags = ["-storage.minFreeDiskSpaceBytes=0"]
        server.start()

        def accepts_again():
            status, body, _ = server.ingest([{"_msg": "accepted"}])
            assert status == 200, body
            server.flush()
            assert server.count() == 1
            assert metrics(server)["vl_storage_is_read_only"] == 0

        check.run("restart_with_0_accepts_again", accepts_again)
    finally:
        server.cleanup()


def limits_and_retention(check):
    server = Server(BINARY, extra_flags=["-insert.maxFieldsPerLine=5", "-insert.maxLineSizeBytes=4MiB"]).start()
    try:
        def rows_over_limits_dropped_neighbours_kept():
            lines = [
                {"_msg": "keep 1"},
                {"_msg": "too many", "a": 1, "b": 2, "c": 3, "d": 4, "e": 5},
                {"_msg": "keep 2", "a": 1, "b": 2, "c": 3, "d": 4},
                {"_msg": "long name", "n" * 129: "v"},
                {"_msg": "keep 3"},
                {"_msg": "x" * (2 << 20) + "huge"},
                {"_msg": "keep 4"},
            ]
            status, body, _ = server.ingest(lines)
            assert status == 200, body
            server.flush()
            status, rows = server.query("* | fields _msg")
            assert status == 200, rows
            assert sorted(r["_msg"] for r in rows) == ["keep 1", "keep 2", "keep 3", "keep 4"], rows
            m = metrics(server)
            assert m['vl_rows_dropped_total{reason="too_many_fields"}'] == 1, m
            assert m['vl_rows_dropped_total{reason="too_long_field_name"}'] == 1, m
            assert m['vl_rows_dropped_total{reason="too_big_row"}'] == 1, m
            log = server.read_log()
            assert "too_many_fields" in log and "-insert.maxFieldsPerLine" in log, log[-3000:]

        def too_new_and_too_old_rows_counted():
            before = server.count()
            lines = [
                {"_time": iso(now_utc() + timedelta(days=5)), "_msg": "from the future"},
                {"_time": iso(now_utc() - timedelta(days=30)), "_msg": "from the past"},
                {"_time": iso(now_utc() - timedelta(minutes=1)), "_msg": "on time"},
            ]
            status, body, _ = server.ingest(lines)
            assert status == 200, body
            server.flush()
            assert server.count() == before + 1
            status, rows = server.query("future OR past")
            assert status == 200 and rows == [], rows
            m = metrics(server)
            assert m['vl_rows_dropped_total{reason="too_big_timestamp"}'] == 1, m
            assert m['vl_rows_dropped_total{reason="too_small_timestamp"}'] == 1, m

        def write_amplification_metrics():
            for i in range(2):
                status, body, _ = server.ingest([{"_msg": f"part {i} row {j}"} for j in range(100)])
                assert status == 200, body
                server.flush()
            flushed = metrics(server)['vl_storage_bytes_written_total{kind="flush"}']
            assert flushed > 0
            server.get("/internal/force_merge")
            deadline = time.time() + 60
            while time.time() < deadline and metrics(server)["vl_storage_parts"] > 1:
                time.sleep(0.1)
            m = metrics(server)
            assert m["vl_storage_parts"] == 1, m
            assert m['vl_storage_bytes_written_total{kind="merge"}'] > 0, m

        def flags_listed():
            _, body, _ = server.get("/flags")
            text = body.decode()
            for flag in ('-insert.maxFieldsPerLine="5"', '-retention.maxDiskSpaceUsageBytes="0"',
                         '-storage.minFreeDiskSpaceBytes="10000000"'):
                assert flag in text, text

        check.run("rows_over_limits_dropped_neighbours_kept", rows_over_limits_dropped_neighbours_kept)
        check.run("too_new_and_too_old_rows_counted", too_new_and_too_old_rows_counted)
        check.run("write_amplification_metrics", write_amplification_metrics)
        check.run("flags_listed", flags_listed)
    finally:
        server.cleanup()


def disk_usage_cap(check):
    server = Server(BINARY).start()
    try:
        def oldest_days_dropped_newest_two_kept():
            noon = now_utc().replace(hour=12, minute=0, second=0, microsecond=0)
            lines = [{"_time": iso(noon - timedelta(days=d)), "_msg": f"day {d} row {i}", "day": str(d)}
                     for d in range(4) for i in range(50)]
            status, body, _ = server.ingest(lines)
            assert status == 200, body
            server.flush()
            assert server.count() == 200
            server.stop()
            # 1 byte: everything is over the cap, so all but the 2 newest days go at start.
            server.extra_flags = ["-retention.maxDiskSpaceUsageBytes=1"]
            server.start()
            assert server.count() == 100
            status, rows = server.query("* | stats by (day) count() as c")
            assert status == 200, rows
            assert sorted(r["day"] for r in rows) == ["0", "1"], rows
            m = metrics(server)
            assert m['vl_partitions_dropped_total{reason="max_disk_space_usage"}'] == 2, m
            assert "-retention.maxDiskSpaceUsageBytes" in server.read_log()

        check.run("disk_usage_cap_drops_oldest_days", oldest_days_dropped_newest_two_kept)
    finally:
        server.cleanup()


def main():
    check = Check()
    read_only_and_recovery(check)
    limits_and_retention(check)
    disk_usage_cap(check)
    check.finish()


if __name__ == "__main__":
    main()
