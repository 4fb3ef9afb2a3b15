// The database: SOCI connection pools for the primary and each replica, one code path for
// PostgreSQL (production) and SQLite (the embedded default, one file shared by every process).
//
// Routing rules (ARCHITECTURE.md): writes and transactions go to the primary; plain reads may go to
// a replica; reads that decide money, stock or authentication ask for the primary; and a client
// that just wrote reads from the primary for read_your_writes_window, so it never sees its own
// change missing. A replica that is down is skipped. A connection broken by a server restart is
// detected when it fails and replaced before its next use.
#pragma once

#include <ecom/platform/config.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
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

// Declares the db.* keys (db.password as a secret) and reads them back.
void declare_config(config::Schema& schema);
[[nodiscard]] DatabaseOptions options_from(const config::Config& config);

// Which connection a read may use.
enum class Consistency {
  any,     // a replica unless the client wrote within the read-your-writes window
  strong,  // the primary: reads that decide money, stock or authentication
};

class Database;

// A connection borrowed from a pool; returned on destruction. If a statement failed with a
// connection error, call mark_broken() (Database::with_* does it for you) and the pool reconnects
// it before the next use.
class Lease {
 public:
  Lease(Lease&&) noexcept;
  Lease& operator=(Lease&&) noexcept;
  ~Lease();
  [[nodiscard]] soci::session& session() const noexcept;
  [[nodiscard]] bool on_replica() const noexcept;
  void mark_broken() noexcept;

 private:
  friend class Database;
  struct Impl;
  explicit Lease(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class Database {
 public:
  // Connects the pools (the primary must be reachable; replicas may be down). Throws core::Error
  // (unavailable) with a clear message when the primary cannot be reached.
  explicit Database(DatabaseOptions options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  [[nodiscard]] Backend backend() const noexcept;
  [[nodiscard]] const DatabaseOptions& options() const noexcept;

  // Borrow a connection. client identifies who reads (a session or customer id; "" = anonymous)
  // for the read-your-writes rule. Throws core::Error(unavailable) past acquire_timeout.
  [[nodiscard]] Lease primary();
  [[nodiscard]] Lease reader(std::string_view client, Consistency consistency = Consistency::any);

  // Runs fn in a transaction on the primary: commit when it returns, rollback when it throws.
  // Records client as a writer for the read-your-writes window. Connection errors are detected
  // and the connection replaced.
  void transact(std::string_view client, const std::function<void(soci::session&)>& fn);
  // Runs fn with a reader connection, marking the connection broken on connection errors.
  void read(std::string_view client, Consistency consistency, const std::function<void(soci::session&)>& fn);

  // Remembers that client wrote now (for writes made outside transact()).
  void note_write(std::string_view client);
  // True when the primary answers a trivial query now; for readiness.
  [[nodiscard]] bool ping();

  struct Stats {
    std::size_t primary_reads = 0;
    std::size_t replica_reads = 0;
    std::size_t reconnects = 0;
    std::size_t replica_failovers = 0;
  };
  [[nodiscard]] Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecom::db
