#include <ecom/platform/metrics.hpp>

#include <fmt/format.h>

namespace ecom::metrics {
namespace {

// Label values are route templates and method names we produce ourselves, but escape anyway so
// that the exposition stays parseable whatever a caller passes.
std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string format_double(double v) {
  return fmt::format("{}", v);
}

}  // namespace

Registry::Registry() = default;

const std::array<double, Registry::kBucketCount>& Registry::buckets() {
  static const std::array<double, kBucketCount> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                         0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  return kBuckets;
}

void Registry::observe_request(std::string_view route, std::string_view method, int status, double seconds) {
  // Built by hand: this runs on every request, and fmt's parsing showed up in the benchmark.
  std::string route_label = escape_label(route.empty() ? "unmatched" : route);
  std::string key;
  key.reserve(route_label.size() + method.size() + 32);
  key.append("route=\"").append(route_label).append("\",method=\"").append(escape_label(method));
  key.append("\",status=\"").append(std::to_string(status)).append("\"");
  const auto& b = buckets();
  std::lock_guard lock(mutex_);
  ++requests_[key];
  auto& h = latency_[route_label];
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    if (seconds <= b[i]) {
      ++h.counts[i];
    }
  }
  ++h.count;
  h.sum += seconds;
}

void Registry::increment(const std::string& series, std::uint64_t by) {
  std::lock_guard lock(mutex_);
  counters_[series] += by;
}

void Registry::gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read), false});
}

void Registry::counter(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read), true});
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  out += "# HELP http_requests_total HTTP requests answered, by route template, method and status.\n";
  out += "# TYPE http_requests_total counter\n";
  for (const auto& [labels, n] : requests_) {
    out += fmt::format("http_requests_total{{{}}} {}\n", labels, n);
  }
  out += "# HELP http_request_duration_seconds Time from the end of the request header to the response.\n";
  out += "# TYPE http_request_duration_seconds histogram\n";
  const auto& b = buckets();
  for (const auto& [route, h] : latency_) {
    for (std::size_t i = 0; i < kBucketCount; ++i) {
      out += fmt::format("http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
                         format_double(b[i]), h.counts[i]);
    }
    out += fmt::format("http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route, h.count);
    out += fmt::format("http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route, format_double(h.sum));
    out += fmt::format("http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route, h.count);
  }
  out += "# HELP http_open_connections Client connections currently open.\n";
  out += "# TYPE http_open_connections gauge\n";
  out += fmt::format("http_open_connections {}\n", open_connections());
  std::string last_family;
  for (const auto& [series, n] : counters_) {
    std::string family = series.substr(0, series.find('{'));
    if (family != last_family) {
      out += fmt::format("# TYPE {} counter\n", family);
      last_family = family;
    }
    out += fmt::format("{} {}\n", series, n);
  }
  for (const auto& g : gauges_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", g.name, g.help, g.name, g.counter ? "counter" : "gauge",
                       g.name, format_double(g.read()));
  }
  return out;
}

}  // namespace ecom::metrics
