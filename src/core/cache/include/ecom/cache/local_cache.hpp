// The in-process cache of the embedded default: an LRU bounded in entries and bytes, with TTLs and
// tags. On its own it only serves one process; SharedLocalCache (shared_local_cache.hpp) carries
// its invalidations to the other processes sharing the database.
#pragma once

#include <ecom/cache/cache.hpp>

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace ecom::metrics {
class Registry;
}

namespace ecom::cache {

struct LocalCacheOptions {
  std::size_t max_entries = 10'000;
  std::size_t max_bytes = 64u << 20u;  // keys, values and tags, plus a fixed overhead per entry
  // How long after an invalidation set() refuses the key (or tag): see Cache::set.
  std::chrono::milliseconds invalidation_guard{1000};
  Clock clock = steady_clock();
};

class LocalCache final : public Cache {
 public:
  // metrics may be null (no counters); otherwise it must outlive the cache.
  explicit LocalCache(LocalCacheOptions options, metrics::Registry* metrics = nullptr);

  [[nodiscard]] std::optional<std::string> get(std::string_view key) override;
  void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl, const Tags& tags = {}) override;
  void invalidate(std::string_view key) override;
  void invalidate_tag(std::string_view tag) override;
  [[nodiscard]] bool healthy() const override { return true; }
  // get, which is a map lookup under the mutex and so never blocks, but counting hits only: a
  // caller that finds nothing reads again with get, and that read counts the miss.
  [[nodiscard]] std::optional<std::string> peek(std::string_view key) override;

  // Drops every entry; used when invalidations may have been missed.
  void clear();

  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] std::size_t bytes() const;

  // Bytes an entry is charged for besides its key, value and tags (list and map nodes).
  static constexpr std::size_t kEntryOverhead = 128;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Entry {
    std::string key;
    std::string value;
    Tags tags;
    TimePoint expires_at;
    std::size_t charge = 0;
  };
  using List = std::list<Entry>;
  // Lets the maps below be searched with a string_view without building a string.
  struct StringHash {
    using is_transparent = void;  // NOLINT(readability-identifier-naming): the standard name
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  template <class T>
  using StringMap = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;

  [[nodiscard]] std::optional<std::string> lookup(std::string_view key);
  void erase_locked(List::iterator it);
  void prune_guards_locked(TimePoint now);
  [[nodiscard]] bool guarded_locked(std::string_view key, const Tags& tags, TimePoint now) const;

  const LocalCacheOptions options_;
  metrics::Registry* const metrics_;
  mutable std::mutex mutex_;
  List lru_;                                                    // most recently used first
  std::unordered_map<std::string_view, List::iterator> index_;  // views into Entry::key
  StringMap<std::unordered_set<std::string>> tag_index_;
  StringMap<TimePoint> key_guards_;  // recently invalidated keys: set() refuses them until then
  StringMap<TimePoint> tag_guards_;
  std::size_t bytes_ = 0;
  static constexpr std::size_t kMinGuardSweep = 64;
  std::size_t guard_sweep_at_ = kMinGuardSweep;
};

}  // namespace ecom::cache
