#!/usr/bin/env bash
# Installs the npm client libraries the end-to-end tests drive (tests/e2e/clients/package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e/clients"
if [ -d node_modules ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-test-clients: up to date"
  exit 0
fi
npm ci --no-audit --no-fund
