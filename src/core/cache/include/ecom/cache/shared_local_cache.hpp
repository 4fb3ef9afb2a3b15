// Invalidation across the processes of the embedded default (storefront, admin and worker on one
// SQLite file, no Redis): an invalidation is a row in cache_invalidations, and every process runs
// an InvalidationListener that polls the table and applies new rows to its LocalCache. An admin
// change therefore reaches the storefront within one poll interval (200 ms by default).
//
// The table, not memory, carries invalidations because the processes share nothing else
// (ARCHITECTURE.md: "cache invalidation and events travel through the database"). The same code
// works on PostgreSQL for several processes without Redis.
#pragma once

#include <ecom/cache/local_cache.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ecom::db {
class Database;
}
namespace ecom::metrics {
class Registry;
}

namespace ecom::cache {

struct ListenerOptions {
  std::chrono::milliseconds poll_interval{200};
  // Rows older than this are deleted by whichever process polls; a process that could not poll
  // for longer may have missed some and clears its cache instead.
  std::chrono::milliseconds retention{std::chrono::hours(1)};
  std::chrono::milliseconds prune_interval{std::chrono::minutes(1)};
};

// Which invalidation a row carries.
enum class InvalidationKind { key, tag };

class InvalidationListener {
 public:
  // Starts after the newest row present now: older rows concern entries this process, whose cache
  // starts empty, never had. Throws core::Error(unavailable) when the table cannot be read.
  InvalidationListener(db::Database& db, LocalCache& cache, ListenerOptions options,
                       metrics::Registry* metrics = nullptr);
  ~InvalidationListener();
  InvalidationListener(const InvalidationListener&) = delete;
  InvalidationListener& operator=(const InvalidationListener&) = delete;

  // Records an invalidation for every process, this one included; when the database cannot take
  // it now, it is kept and written by the next poll.
  void publish(InvalidationKind kind, std::string_view name);

  // Polls once now, as the thread does every poll_interval; returns rows applied. For tests.
  std::size_t poll_now();

  // The newest row id applied; false from healthy() when no poll succeeded for ten intervals.
  [[nodiscard]] std::int64_t last_seen() const;
  [[nodiscard]] bool healthy() const;

 private:
  struct Row {
    std::int64_t id = 0;
    InvalidationKind kind = InvalidationKind::key;
    std::string name;
  };
  using TimePoint = std::chrono::steady_clock::time_point;

  void run();
  std::size_t poll_locked();
  void write_pending_locked();
  std::size_t apply_locked(const std::vector<Row>& rows, TimePoint now);

  db::Database& db_;
  LocalCache& cache_;
  const ListenerOptions options_;
  metrics::Registry* const metrics_;

  std::mutex poll_mutex_;  // one poll at a time: the thread's, or a test's
  std::atomic<std::int64_t> last_seen_{0};
  // Ids skipped over: on PostgreSQL a lower id can commit after a higher one, so a missing id is
  // looked for again until it appears or kGapTimeout passes (a rolled-back insert never appears).
  std::map<std::int64_t, TimePoint> gaps_;
  std::atomic<TimePoint::rep> last_success_;  // read by healthy() without waiting for a poll
  TimePoint last_prune_;
  bool failing_ = false;  // the last poll failed: log the outage once

  std::mutex pending_mutex_;
  std::vector<std::pair<InvalidationKind, std::string>> pending_;

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

// A LocalCache whose invalidations reach every process sharing the database.
class SharedLocalCache final : public Cache {
 public:
  SharedLocalCache(db::Database& db, LocalCacheOptions local, ListenerOptions listener,
                   metrics::Registry* metrics = nullptr);

  [[nodiscard]] std::optional<std::string> get(std::string_view key) override { return local_.get(key); }
  [[nodiscard]] std::optional<std::string> peek(std::string_view key) override { return local_.peek(key); }
  void set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl,
           const Tags& tags = {}) override {
    local_.set(key, value, ttl, tags);
  }
  // Applied here at once (this process reads its own change), and by the others on their next poll.
  void invalidate(std::string_view key) override;
  void invalidate_tag(std::string_view tag) override;
  // False while the invalidation table cannot be read: other processes' changes may be missed.
  [[nodiscard]] bool healthy() const override { return listener_.healthy(); }

  [[nodiscard]] LocalCache& local() noexcept { return local_; }
  [[nodiscard]] InvalidationListener& listener() noexcept { return listener_; }

 private:
  LocalCache local_;
  InvalidationListener listener_;  // after local_: it uses it, so it stops first
};

}  // namespace ecom::cache
