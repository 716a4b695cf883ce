// Process-wide counters and gauges exposed at /metrics in the Prometheus text format.
// Counters are registered once by name (labels included in the name) and bumped lock-free.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace vl {

class Metrics {
 public:
  static Metrics& Global();

  // Returns a counter that lives as long as the process; `name` may carry labels:
  // `vl_rows_ingested_total{type="jsonline"}`.
  std::atomic<uint64_t>& Counter(const std::string& name);
  // A gauge computed on every scrape.
  void SetGaugeCallback(const std::string& name, std::function<double()> fn);
  void RemoveGaugeCallback(const std::string& name);

  // Prometheus text exposition, sorted by name.
  std::string Render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::atomic<uint64_t>> counters_;
  std::map<std::string, std::function<double()>> gauges_;
};

}  // namespace vl
