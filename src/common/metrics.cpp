#include "vl/common/metrics.h"

#include <cstdio>

namespace vl {

Metrics& Metrics::Global() {
  static Metrics* metrics = new Metrics();  // never destroyed: counters outlive every thread
  return *metrics;
}

std::atomic<uint64_t>& Metrics::Counter(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_[name];
}

void Metrics::SetGaugeCallback(const std::string& name, std::function<double()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_[name] = std::move(fn);
}

void Metrics::RemoveGaugeCallback(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_.erase(name);
}

std::string Metrics::Render() const {
  std::map<std::string, std::string> lines;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, value] : counters_) lines[name] = std::to_string(value.load());
    for (const auto& [name, fn] : gauges_) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.17g", fn());
      lines[name] = buf;
    }
  }
  std::string out;
  for (const auto& [name, value] : lines) {
    out += name;
    out.push_back(' ');
    out += value;
    out.push_back('\n');
  }
  return out;
}

}  // namespace vl
