// The audit log on SQLite (unit) and on the real PostgreSQL (integration): entries written with
// their change (and only when it commits), filters, and verify() finding a changed, removed or
// truncated chain.
#include "backend_suite.hpp"
#include "pg_support.hpp"
#include "test_support.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/db/migrations.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <functional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

namespace audit = ecom::audit;
using ecom::db::Database;

audit::Change change(int n, const std::string& type = "product") {
  return audit::Change{type + ".update",
                       type,
                       std::to_string(n),
                       "slug-" + std::to_string(n),
                       boost::json::object{{"title", "Old " + std::to_string(n)}},
                       boost::json::object{{"title", "New " + std::to_string(n)}}};
}

void write(Database& db, int n, const std::string& type = "product") {
  db.transact("", [&](soci::session& tx) { audit::record(tx, change(n, type)); });
}

void exec(Database& db, const std::string& sql) {
  db.transact("", [&](soci::session& tx) { tx << sql; });
}

// Removes the append-only triggers, as someone with the database's owner rights could.
void drop_guards(Database& db) {
  if (db.backend() == ecom::db::Backend::postgresql) {
    exec(db, "DROP TRIGGER audit_log_no_update ON audit_log");
  } else {
    exec(db, "DROP TRIGGER audit_log_no_update");
    exec(db, "DROP TRIGGER audit_log_no_delete");
  }
}

void check_entries_and_filters(Database& db) {
  {
    const audit::Scope scope({"staff", 7, "ada@example.com", "192.0.2.1", "req-1"});
    write(db, 1);
    write(db, 2, "category");
  }
  write(db, 3);  // no scope: the system
  // A change that rolls back leaves no entry.
  CHECK_THROWS_AS(db.transact("",
                              [&](soci::session& tx) {
                                audit::record(tx, change(4));
                                throw std::runtime_error("the change failed");
                              }),
                  std::runtime_error);
  const auto all = audit::list(db, {});
  REQUIRE(all.size() == 3);
  CHECK(all[0].seq == 3);
  CHECK(all[0].actor.kind == "system");
  CHECK(all[2].actor.name == "ada@example.com");
  CHECK(all[2].actor.client == "192.0.2.1");
  CHECK(all[2].actor.request_id == "req-1");
  CHECK(all[2].object_key == "slug-1");
  CHECK(boost::json::parse(all[2].before).at("title") == "Old 1");
  CHECK(boost::json::parse(all[2].after).at("title") == "New 1");
  audit::Filter by_actor;
  by_actor.actor = "ada@example.com";
  CHECK(audit::list(db, by_actor).size() == 2);
  audit::Filter by_object;
  by_object.object_type = "product";
  by_object.object_id = "3";
  CHECK(audit::list(db, by_object).size() == 1);
  audit::Filter page;
  page.limit = 1;
  page.before_seq = 3;
  REQUIRE(audit::list(db, page).size() == 1);
  CHECK(audit::list(db, page)[0].seq == 2);
  audit::Filter later;
  later.from_us = all[0].at + 1;
  CHECK(audit::list(db, later).empty());
  audit::Filter bad;
  bad.limit = 0;
  CHECK_THROWS_AS(audit::list(db, bad), ecom::core::Error);
  const auto verdict = audit::verify(db);
  CHECK(verdict.intact);
  CHECK(verdict.entries == 3);
}

void check_append_only_and_tampering(Database& db) {
  for (int n = 1; n <= 5; ++n) {
    write(db, n);
  }
  // The triggers refuse changes and deletions.
  CHECK_THROWS(exec(db, "UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 2"));
  CHECK_THROWS(exec(db, "DELETE FROM audit_log WHERE seq = 2"));
  CHECK(audit::verify(db).intact);
  drop_guards(db);
  exec(db, "UPDATE audit_log SET after_json = '{\"title\":\"Forged\"}' WHERE seq = 3");
  auto verdict = audit::verify(db);
  CHECK_FALSE(verdict.intact);
  CHECK(verdict.first_broken == 3);
  CHECK_THAT(verdict.reason, Catch::Contains("changed"));
}

void check_removed_entries(Database& db) {
  for (int n = 1; n <= 5; ++n) {
    write(db, n);
  }
  drop_guards(db);
  exec(db, "DELETE FROM audit_log WHERE seq = 5");
  auto tail = audit::verify(db);
  CHECK_FALSE(tail.intact);
  CHECK(tail.first_broken == 5);
  exec(db, "DELETE FROM audit_log WHERE seq = 2");
  auto middle = audit::verify(db);
  CHECK_FALSE(middle.intact);
  CHECK(middle.first_broken == 2);
  CHECK_THAT(middle.reason, Catch::Contains("missing"));
}

void check_concurrent_appends(Database& db) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&db, t] {
      for (int n = 0; n < 10; ++n) {
        write(db, t * 100 + n);
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  const auto verdict = audit::verify(db);
  CHECK(verdict.intact);
  CHECK(verdict.entries == 40);
}

std::vector<ecom::test::SuiteCase<Database>> cases() {
  return {
      {"entries carry the actor and the values, only committed changes, filtered and paged", check_entries_and_filters},
      {"the log refuses changes, and a row changed around the triggers is found", check_append_only_and_tampering},
      {"entries removed from the middle or the end are found", check_removed_entries},
      {"appends from many threads at once form one intact chain", check_concurrent_appends},
  };
}

// One list, two binaries: audit_sqlite_tests, and audit_pg_tests (built with ECOM_AUDIT_ON_PG).
#ifdef ECOM_AUDIT_ON_PG
const bool kRegistered = ecom::test::register_suite<Database>(
    "postgresql audit", "[audit][integration]", cases(),
    [](const std::function<void(Database&)>& run) {
      ecom::db::test::TempPgDatabase pg;
      Database db(pg.options());
      ecom::db::Migrator(db, ECOM_SOURCE_DIR "/migrations").apply();
      run(db);
    },
    __FILE__, __LINE__);
#else
const bool kRegistered = ecom::test::register_suite<Database>(
    "sqlite audit", "[audit][sqlite]", cases(),
    [](const std::function<void(Database&)>& run) {
      ecom::db::test::TempDir dir;
      Database db(ecom::db::test::sqlite_options(dir.path() / "shop.db"));
      ecom::db::Migrator(db, ECOM_SOURCE_DIR "/migrations").apply();
      run(db);
    },
    __FILE__, __LINE__);
#endif

}  // namespace
