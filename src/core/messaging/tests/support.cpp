#include "support.hpp"

#include <ecom/db/migrations.hpp>
#include <ecom/messaging/admin.hpp>
#include <ecom/messaging/outbox.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <soci/soci.h>

#include <cstdlib>
#include <random>

namespace ecom::messaging::test {
namespace {

constexpr const char* kInsertHandled = "INSERT INTO handled (consumer, message_id) VALUES (:consumer, :message_id)";

db::DatabaseOptions options_for(const std::string& url) {
  db::DatabaseOptions o;
  o.url = url;
  o.pool_size = 8;
  o.migrations_dir = std::string(ECOM_SOURCE_DIR) + "/migrations";
  o.statement_timeout = std::chrono::milliseconds(15'000);
  o.acquire_timeout = std::chrono::milliseconds(15'000);
  return o;
}

}  // namespace

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    FAIL(
        fmt::format("{} is not set: run the integration tests through scripts/test, or run "
                    "`scripts/services start` and `source $ECOM_SERVICES_DIR/env` first",
                    name));
  }
  return value;
}

std::string random_suffix() {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  return fmt::format("{:012x}", generator() & 0xffffffffffffULL);
}

TestDatabase TestDatabase::sqlite() {
  TestDatabase t;
  t.dir_.emplace("ecom-msg");
  t.url_ = "sqlite:" + (*t.dir_ / "ecom.db").string();
  t.db_ = std::make_unique<db::Database>(options_for(t.url_));
  db::Migrator(*t.db_).apply();
  return t;
}

TestDatabase TestDatabase::postgresql() {
  TestDatabase t;
  t.admin_url_ = required_env("ECOM_TEST_PG_URL");
  t.name_ = "ecom_t_" + random_suffix();
  {
    db::Database admin(options_for(t.admin_url_));
    auto lease = admin.primary();
    // The name is generated above, never input; CREATE DATABASE takes no bound parameters.
    lease.session() << "CREATE DATABASE " + t.name_;
  }
  auto slash = t.admin_url_.rfind('/');
  REQUIRE(slash != std::string::npos);
  t.url_ = t.admin_url_.substr(0, slash + 1) + t.name_;
  t.db_ = std::make_unique<db::Database>(options_for(t.url_));
  db::Migrator(*t.db_).apply();
  return t;
}

TestDatabase::TestDatabase(TestDatabase&&) noexcept = default;

TestDatabase::~TestDatabase() {
  if (!db_) {
    return;
  }
  db_.reset();
  if (!name_.empty()) {
    try {
      db::Database admin(options_for(admin_url_));
      auto lease = admin.primary();
      lease.session() << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
    } catch (const std::exception& e) {
      WARN("could not drop test database " << name_ << ": " << e.what());
    }
  }
}

std::unique_ptr<db::Database> TestDatabase::open_another() const {
  return std::make_unique<db::Database>(options_for(url_));
}

void create_handled_table(db::Database& db) {
  const char* sql = db.backend() == db::Backend::postgresql
                        ? "CREATE TABLE handled (seq BIGSERIAL PRIMARY KEY, consumer TEXT NOT NULL, message_id "
                          "TEXT NOT NULL)"
                        : "CREATE TABLE handled (seq INTEGER PRIMARY KEY AUTOINCREMENT, consumer TEXT NOT NULL, "
                          "message_id TEXT NOT NULL)";
  db.transact("test", [&](soci::session& s) { s << sql; });
}

Handler recording_handler(std::string consumer) {
  return [consumer = std::move(consumer)](soci::session& tx, const Message& m) {
    tx << kInsertHandled, soci::use(consumer), soci::use(m.id);
  };
}

long long count_sql(db::Database& db, const char* sql) {
  long long n = 0;
  db.read("test", db::Consistency::strong, [&](soci::session& s) { s << sql, soci::into(n); });
  return n;
}

long long count_handled(db::Database& db) {
  return count_sql(db, "SELECT COUNT(*) FROM handled");
}

long long count_distinct_handled(db::Database& db) {
  return count_sql(db, "SELECT COUNT(*) FROM (SELECT DISTINCT consumer, message_id FROM handled) d");
}

std::vector<std::string> add_events(db::Database& db, const std::string& topic, int n, int per_transaction) {
  std::vector<std::string> ids;
  for (int done = 0; done < n;) {
    int chunk = std::min(per_transaction, n - done);
    db.transact("test", [&](soci::session& tx) {
      for (int i = 0; i < chunk; ++i) {
        auto e = make_event(topic, fmt::format(R"({{"n":{}}})", done + i));
        Outbox::add(tx, e);
        ids.push_back(e.id);
      }
    });
    done += chunk;
  }
  return ids;
}

MessagingOptions broker_options() {
  MessagingOptions o;
  o.amqp_url = required_env("ECOM_TEST_AMQP_URL");
  auto suffix = random_suffix();
  o.exchange = "t" + suffix + ".events";
  o.queue_prefix = "t" + suffix;
  o.retry_base = std::chrono::milliseconds(50);
  o.retry_max = std::chrono::milliseconds(1000);
  o.max_attempts = 3;
  o.relay_poll = std::chrono::milliseconds(20);
  o.heartbeat = std::chrono::seconds(5);
  return o;
}

void delete_broker_objects(const MessagingOptions& options, const std::vector<std::string>& consumers) {
  try {
    remove_broker_objects(options, consumers);
  } catch (const std::exception& e) {
    WARN("could not delete the test's broker objects: " << e.what());
  }
}

}  // namespace ecom::messaging::test
