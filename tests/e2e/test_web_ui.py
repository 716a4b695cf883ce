"""The web UI at /select/vmui/ in a real browser (Debian's Chromium driven by playwright-core,
tests/e2e/web_ui/ui_test.mjs), on a single node and through a router over two storage nodes:
the embedded page loads, a query fills the table and the histogram, the JSON and stream views,
a bad query's error, live tail and the stats view. Screenshots of every view are kept under the
build directory (web_ui_screenshots/<single|cluster>/) for humans to look at."""
import http.client
import os
import subprocess

from vlserver import Check, Server, binary_from_args

UI_TEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "web_ui", "ui_test.mjs")


def main():
    binary = binary_from_args()
    shots_root = os.path.join(os.path.dirname(os.path.abspath(binary)), "web_ui_screenshots")
    check = Check()
    single = Server(binary).start()
    nodes = [Server(binary).start(), Server(binary).start()]
    router = Server(binary, storage_nodes=nodes).start()
    servers = [single, *nodes, router]
    try:
        def redirect_and_assets():
            conn = http.client.HTTPConnection(single.addr.split(":")[0], int(single.addr.split(":")[1]), timeout=10)
            conn.request("GET", "/select/vmui?foo=bar")  # urllib would follow the redirect
            resp = conn.getresponse()
            assert resp.status == 302 and resp.getheader("Location") == "vmui/?foo=bar", (resp.status, resp.getheaders())
            conn.close()
            status, body, headers = single.get("/select/vmui/")
            assert status == 200 and b"<!doctype html>" in body.lower(), (status, body[:200])
            assert headers.get("Content-Type", "").startswith("text/html"), headers
            status, body, _ = single.get("/select/vmui/no-such-file.js")
            assert status == 404, status

        check.run("single: /select/vmui redirects, the page and its assets are embedded", redirect_and_assets)

        for name, target in (("single", single), ("cluster", router)):
            def browser(target=target, name=name):
                out = subprocess.run(
                    ["node", UI_TEST, "--url", f"{target.url}/select/vmui/",
                     "--screenshots", os.path.join(shots_root, name)],
                    capture_output=True, text=True, timeout=120)
                print(out.stdout, end="")
                assert out.returncode == 0, f"ui_test failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"

            check.run(f"{name}: the UI in Chromium (table, histogram, JSON, streams, error, tail, stats)", browser)
    finally:
        for s in servers:
            s.stop()
            s.cleanup()
    check.finish()


if __name__ == "__main__":
    main()
