// Cached read throughput: get_or_load hits per second on a warm key set, with 1 and 4 threads,
// against Redis and against the in-process cache, in one run.
//
//   cache_bench [REDIS_URL] [--seconds S]
//
// REDIS_URL defaults to $ECOM_TEST_REDIS_URL (`scripts/services start`, then
// `source $ECOM_SERVICES_DIR/env`); without one, only the in-process cache is measured. Keys go under
// a prefix of their own and are deleted at the end.
#include <ecom/cache/local_cache.hpp>
#include <ecom/cache/redis_cache.hpp>
#include <ecom/platform/log.hpp>
#include <ecom/platform/metrics.hpp>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
using ecom::cache::Cache;

constexpr int kKeys = 1000;
constexpr std::size_t kValueBytes = 512;
constexpr std::uint64_t kMaxOpsPerThread = 50'000'000;  // bounds a run whatever the duration

struct Result {
  double hits_per_second = 0;
  double mean_us = 0;
  std::uint64_t loads = 0;  // loader calls during the run: 0 when every read hit
};

Result run(Cache& cache, int threads, std::chrono::duration<double> duration) {
  const std::string value(kValueBytes, 'v');
  std::atomic<std::uint64_t> loads{0};
  auto loader = [&] {
    loads.fetch_add(1, std::memory_order_relaxed);
    return std::string(value);
  };
  std::vector<std::string> keys;
  keys.reserve(kKeys);
  for (int i = 0; i < kKeys; ++i) {
    keys.push_back("product:" + std::to_string(i));
    (void)ecom::cache::get_or_load(cache, keys.back(), 10min, {"bench"}, loader);  // warm
  }
  loads = 0;
  std::atomic<std::uint64_t> total{0};
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(threads));
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(duration);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::uint64_t ops = 0;
      std::size_t k = static_cast<std::size_t>(t) * 97;
      // Checking the clock every 64 reads keeps it out of the figure for the in-process cache.
      while (ops < kMaxOpsPerThread && (ops % 64 != 0 || std::chrono::steady_clock::now() < deadline)) {
        (void)ecom::cache::get_or_load(cache, keys[k % keys.size()], 10min, {"bench"}, loader);
        ++k;
        ++ops;
      }
      total.fetch_add(ops);
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Result r;
  r.hits_per_second = static_cast<double>(total.load()) / seconds;
  r.mean_us = seconds * 1e6 * threads / static_cast<double>(total.load());
  r.loads = loads.load();
  return r;
}

void report(std::string_view backend, int threads, const Result& r) {
  fmt::print("{:<8} {:>7} {:>14.0f} {:>12.2f} {:>8}\n", backend, threads, r.hits_per_second, r.mean_us, r.loads);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::string redis_url;
  double seconds = 2.0;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (arg == "--help" || arg == "-h") {
      fmt::print("usage: {} [REDIS_URL] [--seconds S]\n", argv[0]);
      return 0;
    } else {
      redis_url = arg;
    }
  }
  if (redis_url.empty()) {
    if (const char* env = std::getenv("ECOM_TEST_REDIS_URL")) {
      redis_url = env;
    }
  }
  if (seconds <= 0 || seconds > 600) {
    fmt::print(stderr, "--seconds must be in (0, 600]\n");
    return 2;
  }
  ecom::log::set_level(ecom::log::Level::warn);
  const auto duration = std::chrono::duration<double>(seconds);

  fmt::print("cache_bench: get_or_load hits, {} warm keys, {}-byte values, {} s per run, {} hardware threads\n", kKeys,
             kValueBytes, seconds, std::thread::hardware_concurrency());
  fmt::print("{:<8} {:>7} {:>14} {:>12} {:>8}\n", "backend", "threads", "hits/s", "mean us/op", "loads");

  ecom::metrics::Registry metrics;  // counted as in production: the counters are part of the cost
  {
    ecom::cache::LocalCache local(ecom::cache::LocalCacheOptions{}, &metrics);
    for (int threads : {1, 4}) {
      report("local", threads, run(local, threads, duration));
    }
  }
  if (redis_url.empty()) {
    fmt::print("redis: not measured (pass a URL or set ECOM_TEST_REDIS_URL)\n");
    return 0;
  }
  try {
    ecom::cache::RedisOptions options;
    options.url = redis_url;
    options.pool_size = 4;
    options.key_prefix = "ecom-bench:" + std::to_string(getpid()) + ":";
    ecom::cache::RedisCache redis(options, metrics);
    for (int threads : {1, 4}) {
      auto r = run(redis, threads, duration);
      if (redis.stats().errors > 0 || !redis.healthy()) {
        fmt::print(stderr, "redis: errors during the run ({}); is {} up?\n", redis.stats().errors, redis_url);
        return 1;
      }
      report("redis", threads, r);
    }
    redis.invalidate_tag("bench");
  } catch (const std::exception& e) {
    fmt::print(stderr, "redis: {}\n", e.what());
    return 1;
  }
  return 0;
}
