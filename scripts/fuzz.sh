#!/usr/bin/env bash
# Builds the LogsQL parser fuzz target with clang + libFuzzer + ASan/UBSan into build-fuzz and
# runs it on tests/fuzz/corpus/query_parser (new interesting inputs are added there).
#   ./scripts/fuzz.sh [seconds, default 600] [extra libFuzzer flags...]
# A crash leaves crash-<hash> in the current directory; turn it into a unit test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
if ! command -v clang++ >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev
fi
SECONDS_TO_RUN=${1:-600}
shift || true
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DCMAKE_CXX_COMPILER=clang++ -DVL_SANITIZE=address,undefined -DVL_BUILD_FUZZ=ON \
  -DVL_BUILD_TESTS=OFF -DVL_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target query_parser_fuzz
# Inputs up to 64 KiB reach deep nesting; each run is bounded in time and memory.
./build-fuzz/query_parser_fuzz -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
  -print_final_stats=1 "$@" tests/fuzz/corpus/query_parser
