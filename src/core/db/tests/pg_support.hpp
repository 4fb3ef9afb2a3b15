// PostgreSQL test support: each test gets its own database on the shared primary (it reaches the
// replica by streaming replication) and drops it at the end, so tests run in parallel.
#pragma once

#include <ecom/db/database.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace ecom::db::test {

// The value of an environment variable the integration tests need; FAILs the test, saying how
// to run it, when it is missing. Tests never skip.
[[nodiscard]] std::string required_env(const char* name);

// "postgresql://postgres@127.0.0.1:55432/postgres" with its database replaced.
[[nodiscard]] std::string with_database(std::string_view url, std::string_view database);

class TempPgDatabase {
 public:
  // Creates ecom_t_<random> on $ECOM_TEST_PG_URL; when wait_for_replica, waits until the replica
  // ($ECOM_TEST_PG_REPLICA_URL) accepts connections to it.
  explicit TempPgDatabase(bool wait_for_replica = false);
  ~TempPgDatabase();
  TempPgDatabase(const TempPgDatabase&) = delete;
  TempPgDatabase& operator=(const TempPgDatabase&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] std::string url() const;
  [[nodiscard]] std::string replica_url() const;
  // Options on this database: short timeouts so failures show quickly.
  [[nodiscard]] DatabaseOptions options(bool with_replica = false) const;
  // Ends every server connection to this database (what a restart does to them); returns how many.
  int terminate_connections() const;
  // Runs one statement on the server's maintenance database (postgres), outside any pool.
  void admin(const std::string& sql) const;

 private:
  std::string admin_url_;
  std::string replica_admin_url_;
  std::string name_;
};

// Waits (bounded) until the replica has replayed everything the primary has written so far.
void wait_for_replay(const std::string& primary_url, const std::string& replica_url,
                     std::chrono::milliseconds limit = std::chrono::seconds(10));

}  // namespace ecom::db::test
