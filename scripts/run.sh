#!/usr/bin/env bash
# Sets up, builds and starts a single-node server with the default flags
# (-httpListenAddr=:9428, -storageDataPath=victoria-logs-data). Extra arguments are passed as flags.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
exec ./build/victoria-logs "$@"
