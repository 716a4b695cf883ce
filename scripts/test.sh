#!/usr/bin/env bash
# Sets up, builds and runs every test: unit, golden LogsQL files, storage fault tests, end-to-end.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure --no-tests=error -j "$(nproc)" --timeout 600
