#include "pg_support.hpp"

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <cstdlib>
#include <random>
#include <thread>

namespace ecom::db::test {
namespace {

constexpr const char* kTerminateCount =
    "SELECT CASE WHEN pg_terminate_backend(pid) THEN 1 ELSE 0 END FROM pg_stat_activity"
    " WHERE datname = :name AND pid <> pg_backend_pid()";
constexpr const char* kCurrentLsn = "SELECT pg_current_wal_lsn()::text";
constexpr const char* kReplayedPast =
    "SELECT CASE WHEN pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn) THEN 1 ELSE 0 END";

// One connection to url outside the test's pools, through the db module's public API (a Database
// of one connection), so that this support, which every module's tests link, needs none of db's
// private headers.
class Connection {
 public:
  explicit Connection(const std::string& url) : db_(options_for(url)), lease_(db_.primary()) {}
  [[nodiscard]] soci::session& session() const noexcept { return lease_.session(); }

 private:
  static DatabaseOptions options_for(const std::string& url) {
    DatabaseOptions o;
    o.url = url;
    o.pool_size = 1;
    o.acquire_timeout = std::chrono::milliseconds(5000);
    o.statement_timeout = std::chrono::milliseconds(5000);
    return o;
  }
  Database db_;
  Lease lease_;
};

std::string random_name() {
  std::random_device rd;
  std::uniform_int_distribution<unsigned> digit(0, 35);
  std::string name = "ecom_t_";
  for (int i = 0; i < 12; ++i) {
    const unsigned d = digit(rd);
    name.push_back(static_cast<char>(d < 10 ? '0' + d : 'a' + (d - 10)));
  }
  return name;
}

}  // namespace

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    FAIL(name << " is not set: run the integration tests through scripts/test, or `scripts/services start` "
                 "and `source $ECOM_SERVICES_DIR/env` (default /tmp/ecom-services/env) first");
  }
  return value;
}

std::string with_database(std::string_view url, std::string_view database) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  const auto query = url.find('?');
  std::string out(url.substr(0, slash == std::string_view::npos ? query : slash));
  out += "/";
  out += database;
  if (query != std::string_view::npos) {
    out += url.substr(query);
  }
  return out;
}

TempPgDatabase::TempPgDatabase(bool wait_for_replica)
    : admin_url_(required_env("ECOM_TEST_PG_URL")), name_(random_name()) {
  if (wait_for_replica) {
    replica_admin_url_ = required_env("ECOM_TEST_PG_REPLICA_URL");
  }
  // The name is ours (letters and digits), and CREATE DATABASE takes no parameters.
  admin("CREATE DATABASE " + name_);
  if (wait_for_replica) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    for (;;) {
      try {
        const Connection probe(replica_url());
        break;
      } catch (const std::exception& e) {
        if (std::chrono::steady_clock::now() > deadline) {
          FAIL("the replica did not get database " << name_ << ": " << e.what());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
}

TempPgDatabase::~TempPgDatabase() {
  try {
    admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& e) {
    WARN("could not drop " << name_ << ": " << e.what());
  }
}

std::string TempPgDatabase::url() const {
  return with_database(admin_url_, name_);
}

std::string TempPgDatabase::replica_url() const {
  return with_database(replica_admin_url_.empty() ? required_env("ECOM_TEST_PG_REPLICA_URL") : replica_admin_url_,
                       name_);
}

DatabaseOptions TempPgDatabase::options(bool with_replica) const {
  DatabaseOptions o;
  o.url = url();
  if (with_replica) {
    o.replica_urls = {replica_url()};
  }
  o.pool_size = 4;
  o.replica_pool_size = 4;
  o.acquire_timeout = std::chrono::milliseconds(2000);
  o.statement_timeout = std::chrono::milliseconds(5000);
  o.read_your_writes_window = std::chrono::milliseconds(2000);
  o.replica_retry_after = std::chrono::milliseconds(300);
  return o;
}

int TempPgDatabase::terminate_connections() const {
  const Connection c(admin_url_);
  int killed = 0;
  soci::rowset<int> rows = (c.session().prepare << kTerminateCount, soci::use(name_));
  for (int r : rows) {
    killed += r;
  }
  return killed;
}

void TempPgDatabase::admin(const std::string& sql) const {
  const Connection c(admin_url_);
  c.session() << sql;
}

void wait_for_replay(const std::string& primary_url, const std::string& replica_url, std::chrono::milliseconds limit) {
  std::string lsn;
  {
    const Connection primary(primary_url);
    primary.session() << kCurrentLsn, soci::into(lsn);
  }
  const Connection replica(replica_url);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int done = 0;
    replica.session() << kReplayedPast, soci::use(lsn), soci::into(done);
    if (done == 1) {
      return;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      FAIL("the replica did not replay up to " << lsn << " in time");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace ecom::db::test
