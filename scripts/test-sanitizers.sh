#!/usr/bin/env bash
# Builds the test targets with sanitizers and runs them (called by scripts/test.sh):
#   AddressSanitizer + UndefinedBehaviorSanitizer: unit tests, LogsQL golden files, storage crash,
#     corruption and recovery tests;
#   ThreadSanitizer: the unit tests, which hold the WAL group commit, worker pool, parallel search
#     and cluster client (Inserter, RemoteBackend, HTTP server) tests, and the LogsQL golden files,
#     whose cluster backend runs parallel queries through in-process nodes and their HTTP servers.
# Only test targets are built (no server binary, no benchmarks), at -O1 to keep builds short.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

UNIT_TARGETS=(common_unit_tests storage_unit_tests logsql_unit_tests insert_unit_tests http_unit_tests
              cluster_unit_tests syslog_unit_tests)
FAULT_TARGETS=()
for f in tests/storage/*_test.cpp; do FAULT_TARGETS+=("$(basename "$f" .cpp)"); done

configure() {  # dir sanitizers
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
    -DVL_SANITIZE="$2" -DVL_BUILD_BENCH=OFF >/dev/null
}

# Every finding fails the test that triggered it; leaks too.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

ASAN_DIR=${ASAN_BUILD_DIR:-build-asan}
configure "$ASAN_DIR" "address,undefined"
cmake --build "$ASAN_DIR" -j "$(nproc)" --target "${UNIT_TARGETS[@]}" golden_runner "${FAULT_TARGETS[@]}"
(cd "$ASAN_DIR" && ctest --output-on-failure --no-tests=error -j "$(nproc)" --timeout 900 \
  -R '^(unit_|storage_|logsql_golden_)')

TSAN_DIR=${TSAN_BUILD_DIR:-build-tsan}
configure "$TSAN_DIR" "thread"
cmake --build "$TSAN_DIR" -j "$(nproc)" --target "${UNIT_TARGETS[@]}" golden_runner
(cd "$TSAN_DIR" && ctest --output-on-failure --no-tests=error -j "$(nproc)" --timeout 900 -R '^(unit_|logsql_golden_)')
