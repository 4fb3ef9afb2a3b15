#include <ecom/cache/local_cache.hpp>
#include <ecom/platform/metrics.hpp>

#include <algorithm>
#include <iterator>

namespace ecom::cache {
namespace {

const std::string kHits = "cache_hits_total{backend=\"local\"}";
const std::string kMisses = "cache_misses_total{backend=\"local\"}";
const std::string kEvictions = "cache_evictions_total{backend=\"local\"}";

}  // namespace

LocalCache::LocalCache(LocalCacheOptions options, metrics::Registry* metrics)
    : options_(std::move(options)), metrics_(metrics) {}

std::optional<std::string> LocalCache::lookup(std::string_view key) {
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) {
    if (it->second->expires_at <= options_.clock()) {
      erase_locked(it->second);
    } else {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->value;
    }
  }
  return std::nullopt;
}

std::optional<std::string> LocalCache::get(std::string_view key) {
  auto result = lookup(key);
  if (metrics_ != nullptr) {
    metrics_->increment(result ? kHits : kMisses);
  }
  return result;
}

std::optional<std::string> LocalCache::peek(std::string_view key) {
  auto result = lookup(key);
  if (metrics_ != nullptr && result) {
    metrics_->increment(kHits);
  }
  return result;
}

void LocalCache::set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl, const Tags& tags) {
  std::size_t charge = key.size() + value.size() + kEntryOverhead;
  for (const auto& tag : tags) {
    charge += tag.size();
  }
  if (ttl.count() <= 0 || charge > options_.max_bytes || options_.max_entries == 0) {
    return;
  }
  std::uint64_t evicted = 0;
  {
    std::lock_guard lock(mutex_);
    const auto now = options_.clock();
    if (guarded_locked(key, tags, now)) {
      return;
    }
    if (auto it = index_.find(key); it != index_.end()) {
      erase_locked(it->second);
    }
    // Expired entries are not tracked apart: they sit in the LRU order and leave first or when read.
    while (!lru_.empty() && (lru_.size() >= options_.max_entries || bytes_ + charge > options_.max_bytes)) {
      erase_locked(std::prev(lru_.end()));
      ++evicted;
    }
    lru_.push_front(Entry{std::string(key), std::string(value), tags, now + ttl, charge});
    auto& entry = lru_.front();
    index_.emplace(entry.key, lru_.begin());
    for (const auto& tag : entry.tags) {
      tag_index_[tag].insert(entry.key);
    }
    bytes_ += charge;
  }
  if (metrics_ != nullptr && evicted > 0) {
    metrics_->increment(kEvictions, evicted);
  }
}

void LocalCache::invalidate(std::string_view key) {
  std::lock_guard lock(mutex_);
  const auto now = options_.clock();
  prune_guards_locked(now);
  if (options_.invalidation_guard.count() > 0) {
    key_guards_.insert_or_assign(std::string(key), now + options_.invalidation_guard);
  }
  if (auto it = index_.find(key); it != index_.end()) {
    erase_locked(it->second);
  }
}

void LocalCache::invalidate_tag(std::string_view tag) {
  std::lock_guard lock(mutex_);
  const auto now = options_.clock();
  prune_guards_locked(now);
  if (options_.invalidation_guard.count() > 0) {
    tag_guards_.insert_or_assign(std::string(tag), now + options_.invalidation_guard);
  }
  auto tagged = tag_index_.find(tag);
  if (tagged == tag_index_.end()) {
    return;
  }
  // erase_locked edits this set as it removes each entry's tags: take the keys out first.
  std::unordered_set<std::string> keys = std::move(tagged->second);
  tag_index_.erase(tagged);
  for (const auto& key : keys) {
    if (auto it = index_.find(key); it != index_.end()) {
      erase_locked(it->second);
    }
  }
}

void LocalCache::clear() {
  std::lock_guard lock(mutex_);
  index_.clear();
  tag_index_.clear();
  lru_.clear();
  bytes_ = 0;
}

std::size_t LocalCache::size() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

std::size_t LocalCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

void LocalCache::erase_locked(List::iterator it) {
  for (const auto& tag : it->tags) {
    if (auto tagged = tag_index_.find(tag); tagged != tag_index_.end()) {
      tagged->second.erase(it->key);
      if (tagged->second.empty()) {
        tag_index_.erase(tagged);
      }
    }
  }
  bytes_ -= it->charge;
  index_.erase(it->key);
  lru_.erase(it);
}

void LocalCache::prune_guards_locked(TimePoint now) {
  // Guards live for a second or so. Sweeping only when the maps have doubled keeps a burst of
  // invalidations (a bulk admin change) linear while bounding them by one guard window's worth.
  if (key_guards_.size() + tag_guards_.size() < guard_sweep_at_) {
    return;
  }
  std::erase_if(key_guards_, [&](const auto& guard) { return guard.second <= now; });
  std::erase_if(tag_guards_, [&](const auto& guard) { return guard.second <= now; });
  guard_sweep_at_ = std::max(kMinGuardSweep, 2 * (key_guards_.size() + tag_guards_.size()));
}

bool LocalCache::guarded_locked(std::string_view key, const Tags& tags, TimePoint now) const {
  if (auto it = key_guards_.find(key); it != key_guards_.end() && it->second > now) {
    return true;
  }
  for (const auto& tag : tags) {
    if (auto it = tag_guards_.find(tag); it != tag_guards_.end() && it->second > now) {
      return true;
    }
  }
  return false;
}

}  // namespace ecom::cache
