#include "connection.hpp"
#include "pool.hpp"
#include "write_tracker.hpp"

#include <ecom/db/database.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>
#include <ecom/platform/metrics.hpp>

#include <fmt/format.h>
#include <soci/soci.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <utility>

namespace ecom::db {
namespace {

constexpr const char* kPing = "SELECT 1";
// SQLite: take the write lock at BEGIN. A deferred transaction that reads first and then writes
// cannot wait for the lock when another process committed meanwhile (SQLITE_BUSY at once, the
// busy timeout does not apply), so every transaction asks for the lock up front.
constexpr const char* kBeginImmediate = "BEGIN IMMEDIATE";
// A dead connection found at BEGIN is replaced once; fn has not run yet, so that is safe.
constexpr int kBeginAttempts = 2;

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

UniqueViolation::UniqueViolation(std::string constraint)
    : core::Error(core::ErrorCode::conflict,
                  "The change conflicts with a concurrent one: a value that must be unique was taken meanwhile."),
      constraint_(std::move(constraint)) {}

void declare_config(config::Schema& schema) {
  schema.string("db.url", "sqlite:var/ecom.db",
                "the primary database: sqlite:PATH (embedded, one file shared by the processes) or "
                "postgresql://user@host:port/database");
  schema.string_list("db.replicas", {}, "PostgreSQL read replicas (URLs); plain reads are spread over them");
  schema.secret("db.password", "database password, added to db.url and to every replica URL");
  schema.integer("db.pool_size", 8, 1, 1000, "connections to the primary (per process)");
  schema.integer("db.replica_pool_size", 8, 1, 1000, "connections to each replica (per process)");
  schema.integer("db.acquire_timeout_ms", 2000, 1, 600'000,
                 "how long a request waits for a free connection (and for a connect) before a 503");
  schema.integer("db.statement_timeout_ms", 5000, 0, 3'600'000,
                 "PostgreSQL statement_timeout; SQLite busy timeout (0: none)");
  schema.integer("db.read_your_writes_ms", 2000, 0, 600'000,
                 "after a write, that client's reads go to the primary for this long");
  schema.integer("db.replica_retry_ms", 5000, 0, 3'600'000, "how long a replica that failed is skipped");
  schema.string("db.migrations_dir", "migrations", "folder holding sqlite/ and postgresql/ migration files");
}

DatabaseOptions options_from(const config::Config& config) {
  DatabaseOptions o;
  o.url = config.string("db.url");
  o.replica_urls = config.string_list("db.replicas");
  o.password = config.string("db.password");
  o.pool_size = static_cast<std::size_t>(config.integer("db.pool_size"));
  o.replica_pool_size = static_cast<std::size_t>(config.integer("db.replica_pool_size"));
  o.acquire_timeout = std::chrono::milliseconds(config.integer("db.acquire_timeout_ms"));
  o.statement_timeout = std::chrono::milliseconds(config.integer("db.statement_timeout_ms"));
  o.read_your_writes_window = std::chrono::milliseconds(config.integer("db.read_your_writes_ms"));
  o.replica_retry_after = std::chrono::milliseconds(config.integer("db.replica_retry_ms"));
  o.migrations_dir = config.string("db.migrations_dir");
  return o;
}

namespace detail {

struct Replica {
  std::unique_ptr<Pool> pool;
  std::atomic<std::int64_t> down_until_ns{0};  // steady clock; 0: up
};

}  // namespace detail

using detail::Replica;

struct Lease::Impl {
  detail::Pool* pool = nullptr;
  detail::Pool::Slot slot;
  Replica* replica = nullptr;
  std::chrono::milliseconds replica_retry_after{0};
  bool broken = false;
};

Lease::Lease(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Lease::Lease(Lease&&) noexcept = default;
Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Lease old(std::move(*this));
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Lease::~Lease() {
  if (!impl_) {
    return;
  }
  if (impl_->broken && impl_->replica != nullptr) {
    impl_->replica->down_until_ns.store(steady_now_ns() + std::chrono::nanoseconds(impl_->replica_retry_after).count(),
                                        std::memory_order_release);
  }
  impl_->pool->release(std::move(impl_->slot), impl_->broken);
}

soci::session& Lease::session() const noexcept {
  return *impl_->slot.session;
}

bool Lease::on_replica() const noexcept {
  return impl_->replica != nullptr;
}

void Lease::mark_broken() noexcept {
  impl_->broken = true;
}

struct Database::Impl {
  explicit Impl(DatabaseOptions o) : options(std::move(o)), writes(options.read_your_writes_window) {}

  Lease lease_from(detail::Pool& pool, Replica* replica) {
    auto lease = std::make_unique<Lease::Impl>();
    lease->pool = &pool;
    lease->slot = pool.acquire();
    lease->replica = replica;
    lease->replica_retry_after = options.replica_retry_after;
    return Lease(std::move(lease));
  }

  void mark_down(Replica& replica) {
    replica.down_until_ns.store(steady_now_ns() + std::chrono::nanoseconds(options.replica_retry_after).count(),
                                std::memory_order_release);
  }

  // Called from a catch block: turns what a caller may retry into core::Error(unavailable) and
  // rethrows anything else unchanged.
  [[noreturn]] void rethrow_translated(Lease& lease, const soci::soci_error& e) const {
    if (detail::is_connection_failure(e, lease.session(), primary_target.backend)) {
      lease.mark_broken();
      log::warn("database connection lost", {{"replica", lease.on_replica()}, {"error", e.get_error_message()}});
      throw core::Error(core::ErrorCode::unavailable, "the database connection was lost");
    }
    if (auto reason = detail::retryable_reason(e, primary_target.backend); !reason.empty()) {
      throw core::Error(core::ErrorCode::unavailable, std::string(reason));
    }
    // Services check uniqueness before they insert; this is the writer that lost a race with
    // another between its check and its insert.
    if (auto constraint = detail::unique_violation(e, lease.session(), primary_target.backend)) {
      // The constraint names the rule; the message's DETAIL line would repeat the values themselves
      // (an email, a SKU), which are data, not a cause, and stay out of the log.
      log::info("database unique violation", {{"constraint", *constraint}});
      throw UniqueViolation(std::move(*constraint));
    }
    throw;
  }

  void rollback_quietly(Lease& lease) const noexcept {
    if (!detail::reset_for_reuse(lease.session(), primary_target.backend)) {
      lease.mark_broken();
    }
  }

  void begin(soci::session& session) const {
    if (primary_target.backend == Backend::sqlite) {
      session << kBeginImmediate;
    } else {
      session.begin();
    }
  }

  DatabaseOptions options;
  detail::Target primary_target;
  std::unique_ptr<detail::Pool> primary;
  std::vector<std::unique_ptr<Replica>> replicas;
  detail::WriteTracker writes;
  std::atomic<std::size_t> next_replica{0};
  std::atomic<std::size_t> primary_reads{0};
  std::atomic<std::size_t> replica_reads{0};
  std::atomic<std::size_t> replica_failovers{0};

  std::mutex probe_mutex;
  std::unique_ptr<soci::session> probe;  // ping()'s own connection
};

Database::Database(DatabaseOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  auto& o = impl_->options;
  impl_->primary_target = detail::parse_target(o.url, o.password, o.statement_timeout, o.acquire_timeout, "db.url");
  if (impl_->primary_target.backend == Backend::sqlite && !o.replica_urls.empty()) {
    throw config::ConfigError("db.replicas: read replicas need PostgreSQL, but db.url is an SQLite file");
  }
  impl_->primary = std::make_unique<detail::Pool>("primary", impl_->primary_target, o.pool_size, o.acquire_timeout);
  for (const auto& url : o.replica_urls) {
    auto target = detail::parse_target(url, o.password, o.statement_timeout, o.acquire_timeout, "db.replicas");
    if (target.backend != Backend::postgresql) {
      throw config::ConfigError(fmt::format("db.replicas: expected PostgreSQL URLs, got '{}'", url));
    }
    auto replica = std::make_unique<Replica>();
    replica->pool = std::make_unique<detail::Pool>("replica " + target.display, std::move(target), o.replica_pool_size,
                                                   o.acquire_timeout);
    impl_->replicas.push_back(std::move(replica));
  }
  // Fail at start-up, with the address in the message, rather than on the first request.
  impl_->primary->release(impl_->primary->acquire(), false);
  log::info("database connected", {{"server", impl_->primary_target.display},
                                   {"replicas", static_cast<std::int64_t>(impl_->replicas.size())}});
}

Database::~Database() = default;

Backend Database::backend() const noexcept {
  return impl_->primary_target.backend;
}

const DatabaseOptions& Database::options() const noexcept {
  return impl_->options;
}

const std::string& Database::display_name() const noexcept {
  return impl_->primary_target.display;
}

Lease Database::primary() {
  return impl_->lease_from(*impl_->primary, nullptr);
}

Lease Database::reader(std::string_view client, Consistency consistency) {
  auto& replicas = impl_->replicas;
  if (consistency == Consistency::strong || replicas.empty() || impl_->writes.wrote_recently(client)) {
    impl_->primary_reads.fetch_add(1, std::memory_order_relaxed);
    return primary();
  }
  const std::int64_t now = steady_now_ns();
  const std::size_t start = impl_->next_replica.fetch_add(1, std::memory_order_relaxed);
  bool skipped_down = false;
  for (std::size_t i = 0; i < replicas.size(); ++i) {
    Replica& replica = *replicas[(start + i) % replicas.size()];
    if (now < replica.down_until_ns.load(std::memory_order_acquire)) {
      skipped_down = true;
      continue;
    }
    try {
      Lease lease = impl_->lease_from(*replica.pool, &replica);
      impl_->replica_reads.fetch_add(1, std::memory_order_relaxed);
      return lease;
    } catch (const detail::ConnectFailed& e) {
      impl_->mark_down(replica);
      skipped_down = true;
      log::warn("database replica unreachable; skipping it",
                {{"replica", replica.pool->target().display},
                 {"retry_ms", static_cast<std::int64_t>(impl_->options.replica_retry_after.count())},
                 {"error", e.log_text()}});
    } catch (const detail::PoolExhausted&) {
      // Busy, not down: the next replica or the primary takes this read.
    }
  }
  if (skipped_down) {
    impl_->replica_failovers.fetch_add(1, std::memory_order_relaxed);
  }
  impl_->primary_reads.fetch_add(1, std::memory_order_relaxed);
  return primary();
}

void Database::transact_impl(std::string_view client, const std::function<void(soci::session&)>& fn) {
  for (int attempt = 1;; ++attempt) {
    Lease lease = primary();
    soci::session& session = lease.session();
    try {
      impl_->begin(session);
    } catch (const soci::soci_error& e) {
      if (attempt < kBeginAttempts && detail::is_connection_failure(e, session, backend())) {
        lease.mark_broken();
        continue;
      }
      impl_->rethrow_translated(lease, e);
    }
    // Noted before as well as after: a read by the same client on another thread, between the
    // commit and the second note, must not go to a replica either.
    impl_->writes.note_write(client);
    try {
      fn(session);
      session.commit();
    } catch (const soci::soci_error& e) {
      impl_->rollback_quietly(lease);
      impl_->rethrow_translated(lease, e);
    } catch (...) {
      impl_->rollback_quietly(lease);
      throw;
    }
    impl_->writes.note_write(client);
    return;
  }
}

void Database::read_impl(std::string_view client, Consistency consistency,
                         const std::function<void(soci::session&)>& fn) {
  Lease lease = reader(client, consistency);
  try {
    fn(lease.session());
  } catch (const soci::soci_error& e) {
    impl_->rethrow_translated(lease, e);
  }
}

void Database::note_write(std::string_view client) {
  impl_->writes.note_write(client);
}

bool Database::ping() {
  std::lock_guard lock(impl_->probe_mutex);
  try {
    if (!impl_->probe || !detail::looks_alive(*impl_->probe, backend())) {
      impl_->probe = detail::open_session(impl_->primary_target);
    }
    int one = 0;
    *impl_->probe << kPing, soci::into(one);
    return one == 1;
  } catch (const core::Error&) {
    impl_->probe.reset();
    return false;
  } catch (const soci::soci_error&) {
    impl_->probe.reset();
    return false;
  }
}

Database::Stats Database::stats() const {
  Stats s;
  s.primary_reads = impl_->primary_reads.load(std::memory_order_relaxed);
  s.replica_reads = impl_->replica_reads.load(std::memory_order_relaxed);
  s.replica_failovers = impl_->replica_failovers.load(std::memory_order_relaxed);
  s.reconnects = impl_->primary->replaced();
  for (const auto& replica : impl_->replicas) {
    s.reconnects += replica->pool->replaced();
  }
  return s;
}

void Database::export_metrics(metrics::Registry& registry) {
  auto stat = [this](std::size_t Stats::*field) {
    return [this, field] { return static_cast<double>(stats().*field); };
  };
  registry.gauge("db_primary_reads_total", "Reads served by the primary.", stat(&Stats::primary_reads));
  registry.gauge("db_replica_reads_total", "Reads served by a replica.", stat(&Stats::replica_reads));
  registry.gauge("db_replica_failovers_total", "Reads sent to the primary because a replica was down.",
                 stat(&Stats::replica_failovers));
  registry.gauge("db_reconnects_total", "Broken database connections dropped and replaced.", stat(&Stats::reconnects));
  registry.gauge("db_primary_connections_in_use", "Primary connections lent out now.",
                 [this] { return static_cast<double>(impl_->primary->in_use()); });
  registry.gauge("db_primary_pool_size", "Size of the primary connection pool.",
                 [this] { return static_cast<double>(impl_->primary->size()); });
}

}  // namespace ecom::db
