#include <ecom/cache/near_cache.hpp>
#include <ecom/platform/metrics.hpp>

#include <algorithm>
#include <iterator>

namespace ecom::cache {

NearCache::NearCache(NearCacheOptions options) : options_(std::move(options)) {}

std::optional<std::string> NearCache::get(std::string_view key) {
  std::shared_ptr<const std::string> value;
  {
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) {
      if (it->second->expires_at <= options_.clock()) {
        erase_locked(it->second);
        publish_sizes_locked();
      } else {
        lru_.splice(lru_.begin(), lru_, it->second);
        value = it->second->value;
      }
    }
  }
  if (!value) {
    counters_->misses.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  counters_->hits.fetch_add(1, std::memory_order_relaxed);
  return *value;  // the copy is made outside the mutex
}

bool NearCache::fill(std::string_view key, std::string value, std::chrono::milliseconds ttl, Ticket ticket) {
  const std::size_t charge = key.size() + value.size() + kEntryOverhead;
  if (ttl.count() <= 0 || charge > options_.max_bytes) {
    return false;
  }
  ttl = std::min(ttl, options_.ttl);
  auto shared = std::make_shared<const std::string>(std::move(value));
  std::uint64_t evicted = 0;
  {
    std::lock_guard lock(mutex_);
    // Under the mutex that drop() and set_live() take: an invalidation is either applied before
    // this check (the ticket has moved on) or after the entry is in (and then removes it).
    if (!live_ || ticket != epoch_.load(std::memory_order_relaxed)) {
      counters_->refused.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    if (auto it = index_.find(key); it != index_.end()) {
      erase_locked(it->second);
    }
    while (!lru_.empty() && bytes_ + charge > options_.max_bytes) {
      erase_locked(std::prev(lru_.end()));
      ++evicted;
    }
    lru_.push_front(Entry{std::string(key), std::move(shared), options_.clock() + ttl, charge});
    index_.emplace(lru_.front().key, lru_.begin());
    bytes_ += charge;
    publish_sizes_locked();
  }
  counters_->fills.fetch_add(1, std::memory_order_relaxed);
  counters_->evictions.fetch_add(evicted, std::memory_order_relaxed);
  return true;
}

void NearCache::drop(const std::vector<std::string>& keys) {
  std::uint64_t dropped = 0;
  {
    std::lock_guard lock(mutex_);
    epoch_.fetch_add(1, std::memory_order_release);
    for (const auto& key : keys) {
      if (auto it = index_.find(key); it != index_.end()) {
        erase_locked(it->second);
        ++dropped;
      }
    }
    publish_sizes_locked();
  }
  counters_->dropped.fetch_add(dropped, std::memory_order_relaxed);
}

void NearCache::clear() {
  std::lock_guard lock(mutex_);
  epoch_.fetch_add(1, std::memory_order_release);
  clear_locked();
}

void NearCache::set_live(bool live) {
  {
    std::lock_guard lock(mutex_);
    if (live_ == live) {
      return;
    }
    epoch_.fetch_add(1, std::memory_order_release);
    live_ = live;
    counters_->live.store(live, std::memory_order_relaxed);
    if (!live) {
      clear_locked();
    }
  }
  live_cv_.notify_all();
}

bool NearCache::live() const {
  std::lock_guard lock(mutex_);
  return live_;
}

bool NearCache::wait_live(bool live, std::chrono::milliseconds timeout) const {
  // A deadline on the steady clock: wakeups, spurious or not, never stretch or shorten the bound.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  return live_cv_.wait_until(lock, deadline, [&] { return live_ == live; });
}

NearCache::Stats NearCache::stats() const {
  Stats s;
  const auto& c = *counters_;
  s.hits = c.hits.load();
  s.misses = c.misses.load();
  s.fills = c.fills.load();
  s.refused_fills = c.refused.load();
  s.evictions = c.evictions.load();
  s.dropped = c.dropped.load();
  std::lock_guard lock(mutex_);
  s.entries = lru_.size();
  s.bytes = bytes_;
  s.live = live_;
  return s;
}

void NearCache::export_metrics(metrics::Registry& registry) const {
  auto c = counters_;
  auto read = [](const auto& atomic) { return static_cast<double>(atomic.load(std::memory_order_relaxed)); };
  registry.counter("cache_near_hits_total", "Reads answered from the near cache (process memory).",
                   [c, read] { return read(c->hits); });
  registry.counter("cache_near_misses_total", "Near-cache lookups that found no copy.",
                   [c, read] { return read(c->misses); });
  registry.counter("cache_near_fills_total", "Copies stored in the near cache.", [c, read] { return read(c->fills); });
  registry.counter("cache_near_fills_refused_total",
                   "Copies not stored: an invalidation arrived during the read, or invalidations may not arrive.",
                   [c, read] { return read(c->refused); });
  registry.counter("cache_near_evictions_total", "Near-cache entries evicted to stay within cache.near_max_bytes.",
                   [c, read] { return read(c->evictions); });
  registry.counter("cache_near_invalidated_total", "Near-cache entries removed by invalidations.",
                   [c, read] { return read(c->dropped); });
  registry.gauge("cache_near_bytes", "Bytes held by the near cache.", [c, read] { return read(c->bytes); });
  registry.gauge("cache_near_entries", "Entries held by the near cache.", [c, read] { return read(c->entries); });
  registry.gauge("cache_near_subscribed",
                 "1 while invalidations reach the near cache (subscribed); 0 while it is empty and bypassed.",
                 [c] { return c->live.load(std::memory_order_relaxed) ? 1.0 : 0.0; });
}

void NearCache::erase_locked(List::iterator it) {
  bytes_ -= it->charge;
  index_.erase(it->key);
  lru_.erase(it);
}

void NearCache::clear_locked() {
  counters_->dropped.fetch_add(lru_.size(), std::memory_order_relaxed);
  index_.clear();
  lru_.clear();
  bytes_ = 0;
  publish_sizes_locked();
}

void NearCache::publish_sizes_locked() {
  counters_->entries.store(lru_.size(), std::memory_order_relaxed);
  counters_->bytes.store(bytes_, std::memory_order_relaxed);
}

}  // namespace ecom::cache
