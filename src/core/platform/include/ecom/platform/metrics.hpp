// Process metrics in the Prometheus text exposition format. Labels are bounded by construction:
// routes are templates, never raw paths.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::metrics {

class Registry {
 public:
  Registry();
  // One finished HTTP request.
  void observe_request(std::string_view route, std::string_view method, int status, double seconds);
  void connection_opened() noexcept { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() noexcept { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  [[nodiscard]] std::int64_t open_connections() const noexcept {
    return open_connections_.load(std::memory_order_relaxed);
  }
  // A named counter (e.g. "http_rejected_total{reason=\"pool_full\"}"), created on first use.
  void increment(const std::string& series, std::uint64_t by = 1);
  // A gauge read when /metrics is scraped.
  void gauge(std::string name, std::string help, std::function<double()> read);
  // A counter read when /metrics is scraped, for counts kept in atomics by code too hot to take
  // the registry's lock per event (the near cache's hits on the I/O threads).
  void counter(std::string name, std::string help, std::function<double()> read);

  [[nodiscard]] std::string render() const;

  static constexpr std::size_t kBucketCount = 12;
  static const std::array<double, kBucketCount>& buckets();

 private:
  struct Histogram {
    std::array<std::uint64_t, kBucketCount> counts{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> requests_;  // key: label set
  std::map<std::string, Histogram> latency_;       // key: route label
  std::map<std::string, std::uint64_t> counters_;
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
    bool counter = false;
  };
  std::vector<Gauge> gauges_;
  std::atomic<std::int64_t> open_connections_{0};
};

}  // namespace ecom::metrics
