// The second process of shared_local_cache_test: caches one key from a shared SQLite file, says
// "ready", and says "invalidated" as soon as another process's invalidation removed it, or gives up
// after five seconds (exit 1).
#include <ecom/cache/shared_local_cache.hpp>
#include <ecom/db/database.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <thread>

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s sqlite:PATH KEY\n", argv[0]);
    return 2;
  }
  try {
    ecom::db::DatabaseOptions options;
    options.url = argv[1];
    options.pool_size = 2;
    ecom::db::Database db(options);
    ecom::cache::SharedLocalCache cache(db, ecom::cache::LocalCacheOptions{}, ecom::cache::ListenerOptions{});
    cache.set(argv[2], "cached", 1h);
    std::printf("ready\n");
    std::fflush(stdout);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!cache.get(argv[2])) {
        std::printf("invalidated\n");
        return 0;
      }
      std::this_thread::sleep_for(2ms);
    }
    std::printf("timeout\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "peer: %s\n", e.what());
    return 2;
  }
}
