// The near cache: a copy, in process memory, of selected entries of a shared cache (RedisCache's
// get_near), bounded in bytes and in time, so that a hot entry is answered without a round trip,
// and without blocking, on an HTTP I/O thread.
//
// It holds nothing on its own authority: the owner keeps it live only while invalidations made by
// other processes reach it (RedisCache's subscriber), drops what they name, and makes it empty and
// refuse fills while they may not reach it. One race remains for the owner to close, and tickets
// close it: a value read from the shared cache before an invalidation must not be stored here
// after that invalidation was applied here. A reader takes a ticket before its read, and fill()
// refuses the value when any invalidation, clear or change of liveness was applied since. The
// check is coarse (any invalidation, not only one of this key), which costs a refused fill now and
// then, never a stale entry.
#pragma once

#include <ecom/cache/cache.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ecom::metrics {
class Registry;
}

namespace ecom::cache {

struct NearCacheOptions {
  // Keys and values plus a fixed overhead per entry (kEntryOverhead); 0 disables the near cache.
  std::size_t max_bytes = 32u << 20u;
  // Longest time a copy is served; the owner passes a shorter one when the shared entry expires
  // sooner, so a copy never outlives its original.
  std::chrono::milliseconds ttl{10'000};
  Clock clock = steady_clock();
};

class NearCache {
 public:
  explicit NearCache(NearCacheOptions options);
  NearCache(const NearCache&) = delete;
  NearCache& operator=(const NearCache&) = delete;
  ~NearCache() = default;

  [[nodiscard]] bool enabled() const noexcept { return options_.max_bytes > 0; }
  [[nodiscard]] const NearCacheOptions& options() const noexcept { return options_; }

  // The copy, or nothing (absent, expired, or not live). Never blocks beyond the mutex.
  [[nodiscard]] std::optional<std::string> get(std::string_view key);

  using Ticket = std::uint64_t;
  // Taken before reading the shared cache; see fill().
  [[nodiscard]] Ticket ticket() const noexcept { return epoch_.load(std::memory_order_acquire); }
  // Stores a copy for min(ttl, options.ttl), evicting the least recently used entries beyond
  // max_bytes. Refused (false) when not live, when anything was invalidated since ticket was
  // taken, when ttl is not positive, or when the entry alone exceeds max_bytes.
  bool fill(std::string_view key, std::string value, std::chrono::milliseconds ttl, Ticket ticket);

  // Invalidations: each also moves the ticket on.
  void drop(const std::vector<std::string>& keys);
  void clear();
  // Live: invalidations reach this process. Going down clears; either change moves the ticket on,
  // so that a read started under the other state cannot fill.
  void set_live(bool live);
  [[nodiscard]] bool live() const;
  // Waits until live() == live, at most timeout; for tests and start-up.
  [[nodiscard]] bool wait_live(bool live, std::chrono::milliseconds timeout) const;

  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t fills = 0;
    std::uint64_t refused_fills = 0;  // stale ticket, or not live
    std::uint64_t evictions = 0;      // for bytes
    std::uint64_t dropped = 0;        // entries removed by invalidations and clears
    std::size_t entries = 0;
    std::size_t bytes = 0;
    bool live = false;
  };
  [[nodiscard]] Stats stats() const;

  // Registers cache_near_* counters and gauges; they read atomics that outlive this object, so the
  // registry may outlive the cache.
  void export_metrics(metrics::Registry& registry) const;

  // Bytes an entry is charged for besides its key and value (list and map nodes, the value's
  // control block).
  static constexpr std::size_t kEntryOverhead = 160;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Entry {
    std::string key;
    std::shared_ptr<const std::string> value;  // shared so that a hit copies it outside the mutex
    TimePoint expires_at;
    std::size_t charge = 0;
  };
  using List = std::list<Entry>;
  // Read without the mutex by the metrics.
  struct Counters {
    std::atomic<std::uint64_t> hits{0}, misses{0}, fills{0}, refused{0}, evictions{0}, dropped{0};
    std::atomic<std::size_t> entries{0}, bytes{0};
    std::atomic<bool> live{false};
  };

  void erase_locked(List::iterator it);
  void clear_locked();
  void publish_sizes_locked();

  const NearCacheOptions options_;
  std::shared_ptr<Counters> counters_ = std::make_shared<Counters>();
  mutable std::mutex mutex_;
  mutable std::condition_variable live_cv_;
  bool live_ = false;
  std::atomic<Ticket> epoch_{1};                                // written under mutex_
  List lru_;                                                    // most recently used first
  std::unordered_map<std::string_view, List::iterator> index_;  // views into Entry::key
  std::size_t bytes_ = 0;
};

}  // namespace ecom::cache
