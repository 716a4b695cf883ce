"""A row answered with 200 survives kill -9: clients ingest continuously, the server is killed
mid-stream several times, and after each restart every acknowledged row is there exactly once."""
import random
import threading
import time

from vlserver import Check, Server, binary_from_args

BINARY = binary_from_args()
BATCH = 500
CLIENTS = 2
KILLS = 3


def ingest_until_error(server, client_id, next_seq, acked, killing, errors):
    """Sends batches until the server dies; records acknowledged seq numbers. A failure before
    `killing` is set is an error of the server, not of the kill."""
    seq = next_seq
    while True:
        lines = [{"_msg": f"durable row {client_id}-{seq + i}", "client": str(client_id), "seq": f"{client_id}-{seq + i}"}
                 for i in range(BATCH)]
        try:
            status, body, _ = server.ingest(lines, params="_stream_fields=client")
        except Exception as e:  # noqa: BLE001 - any failure ends this client
            if not killing.is_set():
                errors.append(f"{type(e).__name__}: {e}")
            return
        if status != 200:
            if not killing.is_set():
                errors.append((status, body[:200]))
            return
        acked.update(line["seq"] for line in lines)
        seq += BATCH


def stored_seqs(server):
    server.flush()
    status, rows = server.query("* | fields seq")
    assert status == 200, rows
    return [r["seq"] for r in rows]


def main():
    check = Check()
    server = Server(BINARY).start()
    acked = set()
    rng = random.Random(12345)
    try:
        def kill_mid_stream():
            for round_no in range(KILLS):
                killing = threading.Event()
                errors = []
                per_client = [set() for _ in range(CLIENTS)]
                threads = [threading.Thread(target=ingest_until_error,
                                            args=(server, c, round_no * 10_000_000, per_client[c], killing, errors))
                           for c in range(CLIENTS)]
                for t in threads:
                    t.start()
                # Killed at a random moment once both clients have had a batch acknowledged.
                deadline = time.time() + 60
                while time.time() < deadline and not all(per_client):
                    time.sleep(0.01)
                assert all(per_client), "no batch acknowledged within 60 s"
                time.sleep(rng.uniform(0.0, 1.5))
                killing.set()
                server.kill()
                for t in threads:
                    t.join(timeout=60)
                    assert not t.is_alive(), "a client still runs after the kill"
                assert not errors, f"round {round_no}: requests failed before the kill: {errors[:3]}"
                for s in per_client:
                    acked.update(s)
                server.start()
                seqs = stored_seqs(server)
                missing = acked - set(seqs)
                assert not missing, f"round {round_no}: {len(missing)} acknowledged rows lost, e.g. {sorted(missing)[:5]}"
                assert len(seqs) == len(set(seqs)), f"round {round_no}: duplicated rows"
                print(f"round {round_no}: {len(acked)} acknowledged rows, {len(seqs)} stored, none lost", flush=True)
            assert len(acked) > 0, "no batch was acknowledged before the kills"

        check.run("kill_mid_stream", kill_mid_stream)
    finally:
        server.cleanup()
    check.finish()


if __name__ == "__main__":
    main()
