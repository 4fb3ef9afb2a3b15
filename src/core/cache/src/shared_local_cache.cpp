#include <ecom/cache/shared_local_cache.hpp>
#include <ecom/db/database.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>
#include <ecom/platform/metrics.hpp>

#include <soci/soci.h>

#include <algorithm>

namespace ecom::cache {
namespace {

constexpr std::string_view kInsertInvalidation =
    "INSERT INTO cache_invalidations (kind, name, created_at) VALUES (:kind, :name, :created_at)";
constexpr std::string_view kSelectMaxId = "SELECT COALESCE(MAX(id), 0) FROM cache_invalidations";
constexpr std::string_view kSelectAfter =
    "SELECT id, kind, name FROM cache_invalidations WHERE id > :after ORDER BY id LIMIT :batch";
constexpr std::string_view kSelectRange =
    "SELECT id, kind, name FROM cache_invalidations WHERE id >= :low AND id <= :high ORDER BY id LIMIT :batch";
constexpr std::string_view kDeleteOlder = "DELETE FROM cache_invalidations WHERE created_at < :cutoff";

constexpr int kBatch = 500;
constexpr int kMaxBatchesPerPoll = 20;  // more waits for the next poll
constexpr auto kGapTimeout = std::chrono::seconds(10);
constexpr std::size_t kMaxGaps = 10'000;
constexpr std::size_t kMaxPending = 10'000;
constexpr int kHealthyIntervals = 10;

const std::string kApplied = "cache_invalidations_applied_total{backend=\"local\"}";
const std::string kErrors = "cache_errors_total{backend=\"local\"}";

std::string_view kind_name(InvalidationKind kind) {
  return kind == InvalidationKind::key ? "key" : "tag";
}

long long epoch_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

InvalidationListener::InvalidationListener(db::Database& db, LocalCache& cache, ListenerOptions options,
                                           metrics::Registry* metrics)
    : db_(db), cache_(cache), options_(options), metrics_(metrics) {
  long long max_id = 0;
  try {
    db_.read("", db::Consistency::strong, [&](soci::session& sql) { sql << kSelectMaxId, soci::into(max_id); });
  } catch (const core::Error&) {
    throw;
  } catch (const std::exception& e) {
    log::error("cache invalidation table unreadable", {{"error", e.what()}});
    throw core::Error(core::ErrorCode::unavailable, "cannot read cache_invalidations (are the migrations applied?)");
  }
  last_seen_.store(max_id);
  const auto now = std::chrono::steady_clock::now();
  last_success_.store(now.time_since_epoch().count());
  last_prune_ = now - options_.prune_interval;  // the first poll prunes
  thread_ = std::thread([this] { run(); });
}

InvalidationListener::~InvalidationListener() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  thread_.join();
}

void InvalidationListener::run() {
  std::unique_lock lock(stop_mutex_);
  while (!stopping_) {
    lock.unlock();
    poll_now();
    lock.lock();
    stop_cv_.wait_for(lock, options_.poll_interval, [&] { return stopping_; });
  }
}

void InvalidationListener::publish(InvalidationKind kind, std::string_view name) {
  {
    std::lock_guard lock(pending_mutex_);
    if (pending_.size() >= kMaxPending) {
      // Losing the oldest is the only bounded choice; say so loudly, since another process may
      // now serve a stale entry until its TTL.
      log::error("cache invalidation dropped: database unreachable for too long", {{"name", pending_.front().second}});
      pending_.erase(pending_.begin());
    }
    pending_.emplace_back(kind, std::string(name));
  }
  std::lock_guard lock(poll_mutex_);
  write_pending_locked();
}

void InvalidationListener::write_pending_locked() {
  std::vector<std::pair<InvalidationKind, std::string>> work;
  {
    std::lock_guard lock(pending_mutex_);
    work.swap(pending_);
  }
  if (work.empty()) {
    return;
  }
  try {
    db_.transact("", [&](soci::session& sql) {
      const long long now = epoch_ms(std::chrono::system_clock::now());
      for (const auto& [kind, name] : work) {
        std::string kind_text(kind_name(kind));
        sql << kInsertInvalidation, soci::use(kind_text, "kind"), soci::use(name, "name"), soci::use(now, "created_at");
      }
    });
  } catch (const std::exception& e) {
    if (metrics_ != nullptr) {
      metrics_->increment(kErrors);
    }
    log::warn("cache invalidation not recorded yet; retrying on the next poll",
              {{"error", e.what()}, {"count", work.size()}});
    std::lock_guard lock(pending_mutex_);
    pending_.insert(pending_.begin(), std::make_move_iterator(work.begin()), std::make_move_iterator(work.end()));
  }
}

std::size_t InvalidationListener::poll_now() {
  std::lock_guard lock(poll_mutex_);
  try {
    auto applied = poll_locked();
    if (failing_) {
      failing_ = false;
      log::info("cache invalidation polls work again");
    }
    return applied;
  } catch (const std::exception& e) {
    if (metrics_ != nullptr) {
      metrics_->increment(kErrors);
    }
    // Once per outage, not five times a second; the error counter keeps the rate.
    if (!failing_) {
      failing_ = true;
      log::warn("cache invalidation poll failed; other processes' changes are not seen until it works",
                {{"error", e.what()}});
    }
    return 0;
  }
}

std::size_t InvalidationListener::poll_locked() {
  write_pending_locked();
  const auto now = std::chrono::steady_clock::now();
  std::vector<Row> rows;
  // Bulk fetch into column vectors (SOCI resizes them to the rows read), appended to rows.
  auto collect = [&](const std::vector<long long>& ids, const std::vector<std::string>& kinds,
                     const std::vector<std::string>& names) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      rows.push_back(Row{ids[i], kinds[i] == "tag" ? InvalidationKind::tag : InvalidationKind::key, names[i]});
    }
    return ids.size();
  };
  db_.read("", db::Consistency::strong, [&](soci::session& sql) {
    rows.clear();  // the database may run this again on a fresh connection
    int batch = kBatch;
    long long after = last_seen_.load();
    for (int round = 0; round < kMaxBatchesPerPoll; ++round) {
      std::vector<long long> ids(kBatch);
      std::vector<std::string> kinds(kBatch);
      std::vector<std::string> names(kBatch);
      sql << kSelectAfter, soci::use(after, "after"), soci::use(batch, "batch"), soci::into(ids), soci::into(kinds),
          soci::into(names);
      if (collect(ids, kinds, names) < static_cast<std::size_t>(kBatch)) {
        break;
      }
      after = rows.back().id;
    }
    if (!gaps_.empty()) {
      long long low = gaps_.begin()->first;
      long long high = gaps_.rbegin()->first;
      const auto span = static_cast<std::size_t>(std::min<long long>(high - low + 1, kMaxGaps));
      int range_batch = static_cast<int>(span);
      std::vector<long long> ids(span);
      std::vector<std::string> kinds(span);
      std::vector<std::string> names(span);
      sql << kSelectRange, soci::use(low, "low"), soci::use(high, "high"), soci::use(range_batch, "batch"),
          soci::into(ids), soci::into(kinds), soci::into(names);
      collect(ids, kinds, names);
    }
  });

  // Without a poll for longer than the retention, rows we never saw may have been pruned.
  const auto previous = TimePoint(TimePoint::duration(last_success_.load()));
  if (now - previous > options_.retention) {
    log::warn("cache cleared: invalidations may have been missed while the database was unreachable");
    cache_.clear();
  }
  last_success_.store(now.time_since_epoch().count());

  std::size_t applied = apply_locked(rows, now);

  if (now - last_prune_ >= options_.prune_interval) {
    last_prune_ = now;
    const long long cutoff = epoch_ms(std::chrono::system_clock::now() - options_.retention);
    db_.transact("", [&](soci::session& sql) { sql << kDeleteOlder, soci::use(cutoff, "cutoff"); });
  }
  return applied;
}

std::size_t InvalidationListener::apply_locked(const std::vector<Row>& rows, TimePoint now) {
  std::size_t applied = 0;
  auto apply = [&](const Row& row) {
    if (row.kind == InvalidationKind::tag) {
      cache_.invalidate_tag(row.name);
    } else {
      cache_.invalidate(row.name);
    }
    ++applied;
  };
  std::int64_t last = last_seen_.load();
  for (const auto& row : rows) {
    if (row.id > last) {
      // Remember skipped ids, unless the jump is absurd (a sequence bumped by hand).
      if (row.id - last - 1 <= static_cast<std::int64_t>(kMaxGaps)) {
        for (std::int64_t missing = last + 1; missing < row.id; ++missing) {
          gaps_.emplace(missing, now);
        }
      }
      last = row.id;
      apply(row);
    } else if (gaps_.erase(row.id) > 0) {
      apply(row);
    }
  }
  last_seen_.store(last);
  std::erase_if(gaps_, [&](const auto& gap) { return now - gap.second > kGapTimeout; });
  while (gaps_.size() > kMaxGaps) {
    gaps_.erase(gaps_.begin());
  }
  if (metrics_ != nullptr && applied > 0) {
    metrics_->increment(kApplied, applied);
  }
  return applied;
}

std::int64_t InvalidationListener::last_seen() const {
  return last_seen_.load();
}

bool InvalidationListener::healthy() const {
  const auto previous = TimePoint(TimePoint::duration(last_success_.load()));
  return std::chrono::steady_clock::now() - previous <= kHealthyIntervals * options_.poll_interval;
}

SharedLocalCache::SharedLocalCache(db::Database& db, LocalCacheOptions local, ListenerOptions listener,
                                   metrics::Registry* metrics)
    : local_(std::move(local), metrics), listener_(db, local_, listener, metrics) {}

void SharedLocalCache::invalidate(std::string_view key) {
  local_.invalidate(key);
  listener_.publish(InvalidationKind::key, key);
}

void SharedLocalCache::invalidate_tag(std::string_view tag) {
  local_.invalidate_tag(tag);
  listener_.publish(InvalidationKind::tag, tag);
}

}  // namespace ecom::cache
