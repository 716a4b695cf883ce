// gen_logs --rows=N [--seed=S] [--start_ns=T] [--step_ns=D]: writes N deterministic JSON log lines
// (see loggen.h) to stdout. Defaults: rows 1000, seed 1, start 2025-01-01T00:00:00Z, step 1 ms.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "loggen.h"

namespace {

bool ParseFlag(std::string_view arg, std::string_view name, long long* out) {
  // accepts --name=V and -name=V
  while (!arg.empty() && arg.front() == '-') arg.remove_prefix(1);
  if (!arg.starts_with(name) || arg.size() <= name.size() || arg[name.size()] != '=') return false;
  std::string v(arg.substr(name.size() + 1));
  char* end = nullptr;
  long long x = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0') {
    std::fprintf(stderr, "gen_logs: bad value for --%.*s: %s\n", static_cast<int>(name.size()), name.data(), v.c_str());
    std::exit(2);
  }
  *out = x;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  long long rows = 1000, seed = 1, start_ns = 1735689600LL * 1000000000LL, step_ns = 1000000;
  for (int i = 1; i < argc; i++) {
    std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      std::printf("usage: gen_logs --rows=N [--seed=S] [--start_ns=T] [--step_ns=D]\n");
      return 0;
    }
    if (ParseFlag(a, "rows", &rows) || ParseFlag(a, "seed", &seed) || ParseFlag(a, "start_ns", &start_ns) ||
        ParseFlag(a, "step_ns", &step_ns)) {
      continue;
    }
    std::fprintf(stderr, "gen_logs: unknown argument %s\n", argv[i]);
    return 2;
  }
  if (rows < 0) rows = 0;
  vl::bench::LogGenerator gen(static_cast<uint64_t>(seed), start_ns, step_ns);
  std::string buf;
  buf.reserve(1 << 20);
  for (long long i = 0; i < rows; i++) {
    gen.Append(&buf);
    if (buf.size() >= (1 << 20) - 4096) {
      if (std::fwrite(buf.data(), 1, buf.size(), stdout) != buf.size()) return 1;
      buf.clear();
    }
  }
  if (!buf.empty() && std::fwrite(buf.data(), 1, buf.size(), stdout) != buf.size()) return 1;
  return std::fflush(stdout) == 0 ? 0 : 1;
}
