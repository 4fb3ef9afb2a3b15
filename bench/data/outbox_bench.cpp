// Outbox relay throughput end to end: events per second from the first outbox insert to the last
// handler commit, through the real RabbitMQ (relay with publisher confirms, consumer with inbox),
// and, for comparison, through the embedded in-process dispatcher on the same database.
//
//   outbox_bench [--events N] [--sqlite]
//
// Needs $ECOM_TEST_AMQP_URL, and uses $ECOM_TEST_PG_URL when set (a database of its own, dropped at
// the end), else an SQLite file (`scripts/services start`, then `source $ECOM_SERVICES_DIR/env`).
// Bounded: at most 20,000 events by default and 30 s per run; a run that hits the bound prints
// what it reached.
#include <ecom/db/database.hpp>
#include <ecom/db/migrations.hpp>
#include <ecom/messaging/admin.hpp>
#include <ecom/messaging/outbox.hpp>
#include <ecom/messaging/worker.hpp>
#include <ecom/platform/log.hpp>

#include <fmt/format.h>
#include <soci/soci.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
using namespace ecom;

constexpr auto kRunLimit = 30s;
constexpr int kPerTransaction = 100;
constexpr const char* kInsertHandled = "INSERT INTO handled (message_id) VALUES (:message_id)";
constexpr const char* kCountInbox = "SELECT COUNT(*) FROM inbox";

std::string suffix() {
  std::mt19937_64 g{std::random_device{}()};
  return fmt::format("{:010x}", g() & 0xffffffffffULL);
}

db::DatabaseOptions db_options(const std::string& url) {
  db::DatabaseOptions o;
  o.url = url;
  o.migrations_dir = std::string(ECOM_SOURCE_DIR) + "/migrations";
  o.statement_timeout = 30s;
  return o;
}

// A fresh, migrated database; PostgreSQL ones are dropped by the destructor.
class BenchDatabase {
 public:
  explicit BenchDatabase(const std::string& pg_url) {
    if (pg_url.empty()) {
      dir_ = std::filesystem::temp_directory_path() / ("ecom-outbox-bench-" + suffix());
      std::filesystem::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "bench.db").string();
    } else {
      admin_url_ = pg_url;
      name_ = "ecom_b_" + suffix();
      db::Database admin(db_options(admin_url_));
      auto lease = admin.primary();
      lease.session() << "CREATE DATABASE " + name_;  // a generated name, not input
      url_ = pg_url.substr(0, pg_url.rfind('/') + 1) + name_;
    }
    db_ = std::make_unique<db::Database>(db_options(url_));
    db::Migrator(*db_).apply();
    const char* table = db_->backend() == db::Backend::postgresql
                            ? "CREATE TABLE handled (seq BIGSERIAL PRIMARY KEY, message_id TEXT NOT NULL)"
                            : "CREATE TABLE handled (seq INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL)";
    db_->transact("bench", [&](soci::session& s) { s << table; });
  }
  ~BenchDatabase() {
    db_.reset();
    if (!name_.empty()) {
      db::Database admin(db_options(admin_url_));
      auto lease = admin.primary();
      lease.session() << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
    }
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  BenchDatabase(const BenchDatabase&) = delete;
  BenchDatabase& operator=(const BenchDatabase&) = delete;
  db::Database& db() { return *db_; }

 private:
  std::string url_;
  std::string admin_url_;
  std::string name_;
  std::filesystem::path dir_;
  std::unique_ptr<db::Database> db_;
};

long long count(db::Database& db, const char* sql) {
  long long n = 0;
  db.read("bench", db::Consistency::strong, [&](soci::session& s) { s << sql, soci::into(n); });
  return n;
}

struct Result {
  long long handled = 0;
  double insert_seconds = 0;
  double total_seconds = 0;
};

Result run(db::Database& db, const messaging::MessagingOptions& options, int events) {
  messaging::Handler handler = [](soci::session& tx, const messaging::Message& m) {
    tx << kInsertHandled, soci::use(m.id);
  };
  messaging::Worker worker(db, options, {{"bench", "bench.#", handler}});
  worker.start();
  for (int i = 0; i < 200 && !worker.healthy(); ++i) {
    std::this_thread::sleep_for(50ms);
  }
  const long long before = count(db, kCountInbox);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + kRunLimit;
  Result r;
  for (int written = 0; written < events && std::chrono::steady_clock::now() < deadline;) {
    const int chunk = std::min(kPerTransaction, events - written);
    db.transact("bench", [&](soci::session& tx) {
      for (int i = 0; i < chunk; ++i) {
        messaging::Outbox::add(tx, messaging::make_event("bench.event", fmt::format(R"({{"n":{}}})", written + i)));
      }
    });
    written += chunk;
  }
  r.insert_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  while (std::chrono::steady_clock::now() < deadline) {
    r.handled = count(db, kCountInbox) - before;
    if (r.handled >= events) {
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  r.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  worker.stop();
  return r;
}

void print(std::string_view label, int events, const Result& r) {
  fmt::print("{:<40} {:>6} events in {:>6.2f} s = {:>7.0f} events/s end to end  (inserts took {:.2f} s){}\n", label,
             r.handled, r.total_seconds, static_cast<double>(r.handled) / r.total_seconds, r.insert_seconds,
             r.handled < events ? "  [stopped at the 30 s bound]" : "");
}

}  // namespace

int main(int argc, char** argv) {
  int events = 20'000;
  bool force_sqlite = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--events" && i + 1 < argc) {
      events = std::max(1, std::min(std::atoi(argv[++i]), 1'000'000));
    } else if (arg == "--sqlite") {
      force_sqlite = true;
    } else {
      fmt::print(stderr, "usage: outbox_bench [--events N] [--sqlite]\n");
      return 2;
    }
  }
  const char* amqp = std::getenv("ECOM_TEST_AMQP_URL");
  if (amqp == nullptr || *amqp == '\0') {
    fmt::print(stderr,
               "outbox_bench: ECOM_TEST_AMQP_URL is not set: run `scripts/services start` and "
               "`source $ECOM_SERVICES_DIR/env` first\n");
    return 2;
  }
  const char* pg = std::getenv("ECOM_TEST_PG_URL");
  const std::string pg_url = force_sqlite || pg == nullptr ? "" : pg;
  log::set_level(log::Level::warn);
  try {
    BenchDatabase database(pg_url);
    const std::string backend = pg_url.empty() ? "SQLite" : "PostgreSQL";

    messaging::MessagingOptions broker;
    broker.amqp_url = amqp;
    broker.exchange = "bench" + suffix() + ".events";
    broker.queue_prefix = "bench" + suffix();
    broker.relay_batch = 500;
    broker.prefetch = 200;
    broker.relay_poll = 10ms;
    auto broker_result = run(database.db(), broker, events);
    messaging::remove_broker_objects(broker, {"bench"});

    messaging::MessagingOptions embedded;
    embedded.relay_batch = 500;
    embedded.relay_poll = 10ms;
    auto embedded_result = run(database.db(), embedded, events);

    fmt::print("outbox relay throughput, {} events, handler = one INSERT in the inbox transaction\n", events);
    print(backend + " + RabbitMQ (confirms, inbox)", events, broker_result);
    print(backend + ", embedded in-process dispatch", events, embedded_result);
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "outbox_bench: {}\n", e.what());
    return 1;
  }
}
