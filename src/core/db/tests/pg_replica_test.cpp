// Routing on the real streaming replica: reads that may go to a replica do, a client reads its own
// writes, and a replica that cannot be reached is skipped.
#include "pg_support.hpp"

#include <ecom/db/database.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

using namespace std::chrono_literals;
using ecom::db::Consistency;
using ecom::db::Database;
using ecom::db::test::TempPgDatabase;

namespace {

constexpr const char* kInRecovery = "SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END";
constexpr const char* kCreateCounter = "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)";
constexpr const char* kInsertCounter = "INSERT INTO counter (id, n) VALUES (1, 0)";
constexpr const char* kSetCounter = "UPDATE counter SET n = :n WHERE id = 1";
constexpr const char* kReadCounter =
    "SELECT n, CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END FROM counter WHERE id = 1";

// True when the read for client ran on a server in recovery, that is, on the replica.
bool read_on_replica(Database& db, std::string_view client, Consistency consistency = Consistency::any) {
  return db.read(client, consistency, [](soci::session& s) {
    int in_recovery = 0;
    s << kInRecovery, soci::into(in_recovery);
    return in_recovery == 1;
  });
}

// Counts the log lines with message text, through the log sink, while alive.
class LogCounter {
 public:
  explicit LogCounter(std::string text) : text_(std::move(text)) {
    ecom::log::set_sink([this](std::string_view line) {
      if (line.find(text_) != std::string_view::npos) {
        count_.fetch_add(1);
      }
    });
  }
  ~LogCounter() { ecom::log::set_sink(nullptr); }
  LogCounter(const LogCounter&) = delete;
  LogCounter& operator=(const LogCounter&) = delete;
  [[nodiscard]] int count() const { return count_.load(); }

 private:
  std::string text_;
  std::atomic<int> count_{0};
};

}  // namespace

TEST_CASE("reads of a client that did not write reach the replica, strong reads do not", "[db][pg][replica]") {
  TempPgDatabase temp(true);
  Database db(temp.options(true));
  {
    auto lease = db.reader("visitor");
    CHECK(lease.on_replica());
  }
  for (int i = 0; i < 5; ++i) {
    CHECK(read_on_replica(db, "visitor"));
    CHECK(read_on_replica(db, ""));
    CHECK_FALSE(read_on_replica(db, "visitor", Consistency::strong));
  }
  CHECK(db.stats().replica_reads == 11);
  CHECK(db.stats().primary_reads == 5);
  CHECK_FALSE(db.primary().on_replica());
}

TEST_CASE("a read right after a write by the same client never returns stale data", "[db][pg][replica]") {
  TempPgDatabase temp(true);
  auto options = temp.options(true);
  options.read_your_writes_window = 2000ms;
  Database db(options);
  db.transact("setup", [](soci::session& s) {
    s << kCreateCounter;
    s << kInsertCounter;
  });
  ecom::db::test::wait_for_replay(temp.url(), temp.replica_url());

  constexpr int kIterations = 200;
  int stale = 0;
  int on_replica = 0;
  for (int i = 1; i <= kIterations; ++i) {
    db.transact("writer", [&](soci::session& s) { s << kSetCounter, soci::use(i); });
    auto [n, replica] = db.read("writer", Consistency::any, [](soci::session& s) {
      int value = 0;
      int in_recovery = 0;
      s << kReadCounter, soci::into(value), soci::into(in_recovery);
      return std::pair{value, in_recovery == 1};
    });
    stale += n != i ? 1 : 0;
    on_replica += replica ? 1 : 0;
  }
  CHECK(stale == 0);
  CHECK(on_replica == 0);
  // Another client, meanwhile, is still served by the replica.
  CHECK(read_on_replica(db, "someone-else"));
}

TEST_CASE("after the read-your-writes window a writer's reads go back to the replica", "[db][pg][replica]") {
  TempPgDatabase temp(true);
  auto options = temp.options(true);
  options.read_your_writes_window = 300ms;
  Database db(options);
  db.transact("writer", [](soci::session& s) { s << kCreateCounter; });
  CHECK_FALSE(read_on_replica(db, "writer"));
  std::this_thread::sleep_for(350ms);
  CHECK(read_on_replica(db, "writer"));
  // note_write() counts as a write too.
  db.note_write("writer");
  CHECK_FALSE(read_on_replica(db, "writer"));
}

TEST_CASE("an unreachable replica is skipped for replica_retry_ms and reads fall back", "[db][pg][replica]") {
  TempPgDatabase temp(true);
  auto options = temp.options();
  options.replica_urls = {"postgresql://postgres@127.0.0.1:1/" + temp.name()};
  options.replica_retry_after = 400ms;
  LogCounter tries("database replica unreachable");
  Database db(options);
  CHECK_FALSE(read_on_replica(db, "visitor"));
  CHECK(tries.count() == 1);
  // Within the retry window the replica is not even tried.
  for (int i = 0; i < 5; ++i) {
    CHECK_FALSE(read_on_replica(db, "visitor"));
  }
  CHECK(tries.count() == 1);
  CHECK(db.stats().replica_failovers == 6);
  CHECK(db.stats().replica_reads == 0);
  // After it, the replica is tried again.
  std::this_thread::sleep_for(450ms);
  CHECK_FALSE(read_on_replica(db, "visitor"));
  CHECK(tries.count() == 2);
}

TEST_CASE("with a dead and a live replica, reads keep reaching the live one", "[db][pg][replica]") {
  TempPgDatabase temp(true);
  auto options = temp.options();
  options.replica_urls = {"postgresql://postgres@127.0.0.1:1/" + temp.name(), temp.replica_url()};
  Database db(options);
  for (int i = 0; i < 6; ++i) {
    CHECK(read_on_replica(db, "visitor"));
  }
  CHECK(db.stats().replica_reads == 6);
  CHECK(db.stats().primary_reads == 0);
}
