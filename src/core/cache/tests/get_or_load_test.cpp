#include <ecom/cache/cache.hpp>
#include <ecom/cache/local_cache.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <barrier>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using ecom::cache::get_or_load;
using ecom::cache::jittered_ttl;
using ecom::cache::LocalCache;
using ecom::cache::LocalCacheOptions;

TEST_CASE("get_or_load loads on a miss, then serves from the cache", "[cache][get_or_load]") {
  LocalCache cache(LocalCacheOptions{});
  int loads = 0;
  auto loader = [&] {
    ++loads;
    return std::string("value");
  };
  CHECK(get_or_load(cache, "k", 10s, {"t"}, loader) == "value");
  CHECK(get_or_load(cache, "k", 10s, {"t"}, loader) == "value");
  CHECK(loads == 1);
  cache.invalidate_tag("t");
  CHECK_FALSE(cache.get("k"));
}

TEST_CASE("get_or_load calls the loader once for concurrent misses of one key", "[cache][get_or_load]") {
  LocalCache cache(LocalCacheOptions{});
  constexpr int kThreads = 16;
  std::atomic<int> loads{0};
  std::atomic<int> wrong{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      auto value = get_or_load(cache, "cold", 10s, {}, [&] {
        ++loads;
        // Long enough that every thread arrives while the load runs.
        std::this_thread::sleep_for(200ms);
        return std::string("loaded");
      });
      if (value != "loaded") {
        ++wrong;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(loads == 1);
  CHECK(wrong == 0);
  CHECK(cache.single_flight().in_flight() == 0);
}

TEST_CASE("get_or_load runs loads of different keys in parallel", "[cache][get_or_load]") {
  LocalCache cache(LocalCacheOptions{});
  std::atomic<int> loads{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      (void)get_or_load(cache, "key" + std::to_string(i), 10s, {}, [&] {
        ++loads;
        std::this_thread::sleep_for(200ms);
        return std::string("v");
      });
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(loads == 4);
  CHECK(std::chrono::steady_clock::now() - started < 700ms);  // not 4 x 200 ms one after another
}

TEST_CASE("get_or_load gives the loader's exception to every waiter and caches nothing", "[cache][get_or_load]") {
  LocalCache cache(LocalCacheOptions{});
  constexpr int kThreads = 8;
  std::atomic<int> loads{0};
  std::atomic<int> failures{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      try {
        (void)get_or_load(cache, "bad", 10s, {}, [&]() -> std::string {
          ++loads;
          std::this_thread::sleep_for(200ms);
          throw std::runtime_error("database down");
        });
      } catch (const std::runtime_error& e) {
        if (std::string(e.what()) == "database down") {
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(loads == 1);
  CHECK(failures == kThreads);
  CHECK_FALSE(cache.get("bad"));
  // The next call tries again.
  CHECK(get_or_load(cache, "bad", 10s, {}, [] { return std::string("recovered"); }) == "recovered");
}

TEST_CASE("jittered TTLs stay within 10 percent and spread", "[cache][get_or_load]") {
  const auto ttl = 10'000ms;
  auto low = ttl;
  auto high = ttl;
  for (int i = 0; i < 10'000; ++i) {
    const auto j = jittered_ttl(ttl);
    REQUIRE(j >= 9'000ms);
    REQUIRE(j <= 11'000ms);
    low = std::min(low, j);
    high = std::max(high, j);
  }
  CHECK(low < 9'200ms);
  CHECK(high > 10'800ms);
  CHECK(jittered_ttl(1ms) >= 1ms);
  CHECK(jittered_ttl(0ms) >= 1ms);
}
