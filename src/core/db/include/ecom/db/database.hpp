// The database: SOCI connection pools for the primary and each replica, one code path for
// PostgreSQL (production) and SQLite (the embedded default, one file shared by every process).
//
// Routing rules (ARCHITECTURE.md): writes and transactions go to the primary; plain reads may go to
// a replica; reads that decide money, stock or authentication ask for the primary; and a client
// that just wrote reads from the primary for read_your_writes_window, so it never sees its own
// change missing. A replica that is down is skipped for replica_retry_after. A connection broken by
// a server restart is detected (when it fails, or before it is handed out when the server has
// closed it) and replaced with a new one.
//
// Errors: a lost connection, a statement timeout, a busy SQLite file or an exhausted pool become
// core::Error(unavailable), which callers may retry. A unique constraint violation (a writer that
// lost a race for a unique value it had checked) becomes db::UniqueViolation, a core::Error(conflict)
// (409) naming the constraint. Any other SQL error propagates unchanged as soci::soci_error (other
// constraints are the caller's business).
#pragma once

#include <ecom/platform/config.hpp>
#include <ecom/platform/error.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace soci {
class session;
}

namespace ecom::metrics {
class Registry;
}

namespace ecom::db {

enum class Backend { sqlite, postgresql };

struct DatabaseOptions {
  // "sqlite:var/ecom.db" or a libpq URL/keyword string: "postgresql://ecom@127.0.0.1:5432/ecom".
  std::string url = "sqlite:var/ecom.db";
  std::vector<std::string> replica_urls;  // PostgreSQL only
  std::string password;                   // from ECOM_DB_PASSWORD only; added to every URL
  std::size_t pool_size = 8;
  std::size_t replica_pool_size = 8;
  std::chrono::milliseconds acquire_timeout{2000};    // waiting for a free connection; then unavailable
  std::chrono::milliseconds statement_timeout{5000};  // PostgreSQL statement_timeout; SQLite busy timeout
  std::chrono::milliseconds read_your_writes_window{2000};
  std::chrono::milliseconds replica_retry_after{5000};  // how long a failed replica is skipped
  std::string migrations_dir = "migrations";
};

// A unique or primary-key constraint refused a write: the writer lost a race for a value it had
// checked was free (or did not check). Thrown by Database::transact and Database::read, decided from
// the database's error code (PostgreSQL SQLSTATE 23505; SQLite SQLITE_CONSTRAINT_UNIQUE or
// SQLITE_CONSTRAINT_PRIMARYKEY), never from message text outside db. constraint() is the name
// PostgreSQL gives the constraint, and on SQLite the same name by PostgreSQL's default rule
// (<table>_<column>[_<column>...]_key for UNIQUE, <table>_pkey for a primary key; an explicitly named
// unique index keeps its name): "products_slug_key" on both backends, so a caller maps it to the
// field it names. The message is generic; callers that know the field say which.
class UniqueViolation : public core::Error {
 public:
  explicit UniqueViolation(std::string constraint);
  [[nodiscard]] const std::string& constraint() const noexcept { return constraint_; }

 private:
  std::string constraint_;
};

// Declares the db.* keys (db.password as a secret) and reads them back.
void declare_config(config::Schema& schema);
[[nodiscard]] DatabaseOptions options_from(const config::Config& config);

// Which connection a read may use.
enum class Consistency {
  any,     // a replica unless the client wrote within the read-your-writes window
  strong,  // the primary: reads that decide money, stock or authentication
};

// A connection borrowed from a pool; returned on destruction, and it must not outlive its
// Database. If a statement failed with a connection error, call mark_broken() (Database::transact
// and read do it for you): the pool drops the connection and opens a new one for the next caller.
class Lease {
 public:
  struct Impl;  // opaque; only the Database makes leases
  explicit Lease(std::unique_ptr<Impl> impl);
  Lease(Lease&&) noexcept;
  Lease& operator=(Lease&&) noexcept;
  ~Lease();
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  [[nodiscard]] soci::session& session() const noexcept;
  [[nodiscard]] bool on_replica() const noexcept;
  void mark_broken() noexcept;

 private:
  std::unique_ptr<Impl> impl_;
};

class Database {
 public:
  // Connects one primary connection to check that the primary is reachable (replicas may be
  // down). Throws core::Error(unavailable) naming the server (never the password) when it cannot
  // be reached, and config::ConfigError when the URL is malformed or names no known backend.
  explicit Database(DatabaseOptions options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  [[nodiscard]] Backend backend() const noexcept;
  [[nodiscard]] const DatabaseOptions& options() const noexcept;
  // The primary's address as it may be logged or printed: the password is never part of it.
  [[nodiscard]] const std::string& display_name() const noexcept;

  // Borrow a connection. client identifies who reads (a session or customer id; "" = anonymous,
  // never tracked, so anonymous writers that must read back use Consistency::strong) for the
  // read-your-writes rule. Throws core::Error(unavailable) past acquire_timeout or when the
  // server cannot be reached.
  [[nodiscard]] Lease primary();
  [[nodiscard]] Lease reader(std::string_view client, Consistency consistency = Consistency::any);

  // Runs fn in a transaction on the primary (BEGIN IMMEDIATE on SQLite, so concurrent writers
  // queue on the busy timeout instead of failing on a lock upgrade): commit when it returns,
  // rollback when it throws. Records client as a writer for the read-your-writes window. Returns
  // what fn returns. A connection found dead at BEGIN is replaced and the transaction started on a
  // new one; fn itself runs at most once.
  template <typename Fn>
  auto transact(std::string_view client, Fn&& fn) -> std::invoke_result_t<Fn&, soci::session&> {
    return call_with_result<Fn>(std::forward<Fn>(fn),
                                [&](const std::function<void(soci::session&)>& body) { transact_impl(client, body); });
  }
  // Runs fn with a reader connection (see reader()), marking the connection broken on connection
  // errors. Returns what fn returns. fn runs at most once: a read that fails on a dying replica
  // throws unavailable, and the next one goes to another replica or the primary.
  template <typename Fn>
  auto read(std::string_view client, Consistency consistency, Fn&& fn) -> std::invoke_result_t<Fn&, soci::session&> {
    return call_with_result<Fn>(std::forward<Fn>(fn), [&](const std::function<void(soci::session&)>& body) {
      read_impl(client, consistency, body);
    });
  }

  // Remembers that client wrote now (for writes made outside transact()).
  void note_write(std::string_view client);
  // True when the primary answers a trivial query now, on a connection of its own (a full pool
  // does not make the database look down). Blocks up to the connect and statement timeouts: call
  // it from HealthProbe's thread, not from an I/O thread.
  [[nodiscard]] bool ping();

  struct Stats {
    std::size_t primary_reads = 0;
    std::size_t replica_reads = 0;
    std::size_t reconnects = 0;         // connections dropped as broken and replaced
    std::size_t replica_failovers = 0;  // reads sent to the primary because a replica was down
  };
  [[nodiscard]] Stats stats() const;
  // Publishes the stats and the primary pool's use as gauges (db_*) on /metrics.
  void export_metrics(metrics::Registry& registry);

 private:
  struct Impl;
  template <typename Fn, typename Run>
  static auto call_with_result(Fn&& fn, Run&& run) -> std::invoke_result_t<Fn&, soci::session&> {
    using Result = std::invoke_result_t<Fn&, soci::session&>;
    if constexpr (std::is_void_v<Result>) {
      run([&](soci::session& s) { fn(s); });
    } else {
      std::optional<Result> result;
      run([&](soci::session& s) { result.emplace(fn(s)); });
      return std::move(*result);
    }
  }
  void transact_impl(std::string_view client, const std::function<void(soci::session&)>& fn);
  void read_impl(std::string_view client, Consistency consistency, const std::function<void(soci::session&)>& fn);

  std::unique_ptr<Impl> impl_;
};

}  // namespace ecom::db
