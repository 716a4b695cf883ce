#!/usr/bin/env bash
# Sets up, builds and runs every test: unit, golden LogsQL files, storage fault tests, end-to-end,
# then the sanitizer builds (scripts/test-sanitizers.sh; VL_SKIP_SANITIZERS=1 skips them).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
./scripts/install-test-clients.sh
(cd "${BUILD_DIR:-build}" && ctest --output-on-failure --no-tests=error -j "$(nproc)" --timeout 600)
if [ "${VL_SKIP_SANITIZERS:-0}" != "1" ]; then
  ./scripts/test-sanitizers.sh
fi
