// Test support for the messaging tests: a throw-away database (an SQLite file, or a PostgreSQL
// database of its own on the test server) with the migrations applied, a table the test handlers
// write to, and bounded waiting.
#pragma once

#include "eventually.hpp"
#include "temp_dir.hpp"

#include <ecom/db/database.hpp>
#include <ecom/messaging/event.hpp>
#include <ecom/messaging/options.hpp>
#include <ecom/messaging/subscription.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ecom::messaging::test {

// The value of an environment variable a test needs; FAILs (never skips) when it is missing.
std::string required_env(const char* name);

// A random lower-case hex string, for database, exchange and queue names.
std::string random_suffix();

class TestDatabase {
 public:
  // A fresh SQLite file in a temporary folder, migrated.
  static TestDatabase sqlite();
  // A fresh PostgreSQL database ecom_t_<random> on $ECOM_TEST_PG_URL, migrated; dropped again by
  // the destructor.
  static TestDatabase postgresql();

  TestDatabase(TestDatabase&&) noexcept;
  ~TestDatabase();

  [[nodiscard]] const std::string& url() const noexcept { return url_; }
  [[nodiscard]] db::Database& db() noexcept { return *db_; }
  // Another Database on the same data (a second process would have its own pools).
  [[nodiscard]] std::unique_ptr<db::Database> open_another() const;

 private:
  TestDatabase() = default;
  std::string url_;
  std::string admin_url_;  // PostgreSQL: the server's maintenance database, for DROP
  std::string name_;
  std::optional<ecom::test::TempDir> dir_;  // SQLite: the file's folder
  std::unique_ptr<db::Database> db_;
};

// handled(seq, consumer, message_id): one row per handler effect. No unique constraint on purpose:
// a duplicate effect must be visible, not rejected.
void create_handled_table(db::Database& db);
// A handler that records its effect in handled.
Handler recording_handler(std::string consumer);
long long count_handled(db::Database& db);
long long count_distinct_handled(db::Database& db);
long long count_sql(db::Database& db, const char* sql);

// Inserts n events with topic in transactions of `per_transaction`; returns their ids.
std::vector<std::string> add_events(db::Database& db, const std::string& topic, int n, int per_transaction = 50);

// Polls pred until it holds or limit passes (tests/support/eventually.hpp); returns pred().
using ecom::test::eventually;

// Messaging options for one test against the real broker: its own exchange and queue prefix.
MessagingOptions broker_options();
// Deletes the exchange and the queues of broker_options() for these consumers.
void delete_broker_objects(const MessagingOptions& options, const std::vector<std::string>& consumers);

}  // namespace ecom::messaging::test
