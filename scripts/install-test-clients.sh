#!/usr/bin/env bash
# Installs the npm packages the end-to-end tests drive: shipper client libraries
# (tests/e2e/clients) and playwright-core for the web UI browser test (tests/e2e/web_ui).
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e"
for dir in clients web_ui; do
  if [ -d "$dir/node_modules" ] && [ ! "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "install-test-clients: $dir up to date"
    continue
  fi
  (cd "$dir" && npm ci --no-audit --no-fund)
done
