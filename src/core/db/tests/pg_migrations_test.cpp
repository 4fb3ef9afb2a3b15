// Migrations on a real PostgreSQL: multi-statement files with PL/pgSQL bodies, transactional DDL,
// concurrent migrators serialised by the advisory lock, and verify.
#include "pg_support.hpp"
#include "test_support.hpp"

#include <ecom/db/migrations.hpp>
#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <soci/soci.h>

#include <future>
#include <set>

using ecom::core::Error;
using ecom::db::Consistency;
using ecom::db::Database;
using ecom::db::Migrator;
using ecom::db::test::TempDir;
using ecom::db::test::TempPgDatabase;
using ecom::db::test::write_file;
using State = ecom::db::MigrationStatus::State;

namespace {

// Several statements; a function whose $$ body holds ';', ':name' and '::' that must reach the
// server untouched; a comment with a semicolon; and a dollar-quoted string with a tag.
constexpr std::string_view kFirst = R"(-- orders; and their totals
CREATE TABLE orders (id BIGINT PRIMARY KEY, total_minor BIGINT NOT NULL CHECK (total_minor >= 0));
CREATE FUNCTION order_label(order_id BIGINT) RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
  label TEXT := 'order:' || order_id::text;
BEGIN
  IF order_id < 0 THEN
    RAISE EXCEPTION 'negative id: %', order_id;
  END IF;
  RETURN label || ';';
END;
$$;
COMMENT ON TABLE orders IS $note$one row per order; totals in minor units$note$;
INSERT INTO orders (id, total_minor) VALUES (1, 1999);
)";
constexpr std::string_view kSecond = "CREATE INDEX orders_by_total ON orders (total_minor);\n";

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.message();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("PostgreSQL migrations run whole scripts, PL/pgSQL bodies included", "[db][pg][migrations]") {
  TempPgDatabase temp;
  TempDir dir;
  write_file(dir.path() / "postgresql" / "0001_orders.sql", kFirst);
  write_file(dir.path() / "postgresql" / "0002_order_index.sql", kSecond);
  Database db(temp.options());
  Migrator migrator(db, dir.path());
  CHECK(migrator.apply() == std::vector<std::string>{"0001_orders.sql", "0002_order_index.sql"});
  const std::string label = db.read("", Consistency::strong, [](soci::session& s) {
    std::string l;
    long long id = 1;
    s << "SELECT order_label(:id)", soci::use(id), soci::into(l);
    return l;
  });
  CHECK(label == "order:1;");
  auto rows = migrator.status();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].state == State::applied);
  CHECK(rows[0].applied_at.size() == 19);
  CHECK_NOTHROW(migrator.verify());
  CHECK(migrator.apply().empty());
}

TEST_CASE("a failing PostgreSQL migration leaves nothing behind, DDL included", "[db][pg][migrations]") {
  TempPgDatabase temp;
  TempDir dir;
  write_file(dir.path() / "postgresql" / "0001_orders.sql", kFirst);
  write_file(dir.path() / "postgresql" / "0002_broken.sql",
             "CREATE TABLE half_done (a INTEGER);\nINSERT INTO orders (id, total_minor) VALUES (2, -5);\n");
  Database db(temp.options());
  Migrator migrator(db, dir.path());
  auto message = message_of([&] { migrator.apply(); });
  CHECK_THAT(message, Catch::Contains("0002_broken.sql") && Catch::Contains("check constraint"));
  const int half_done = db.read("", Consistency::strong, [](soci::session& s) {
    int n = 0;
    s << "SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'", soci::into(n);
    return n;
  });
  CHECK(half_done == 0);
  auto rows = migrator.status();
  CHECK(rows[0].state == State::applied);
  CHECK(rows[1].state == State::pending);
  CHECK_THAT(message_of([&] { migrator.verify(); }), Catch::Contains("0002_broken.sql is not applied"));
}

TEST_CASE("concurrent PostgreSQL migrators apply each file once", "[db][pg][migrations]") {
  TempPgDatabase temp;
  TempDir dir;
  constexpr int kFiles = 8;
  for (int i = 1; i <= kFiles; ++i) {
    // No IF NOT EXISTS, and a pause so that the two really overlap.
    write_file(dir.path() / "postgresql" / fmt::format("{:04}_t{}.sql", i, i),
               fmt::format("SELECT pg_sleep(0.02);\nCREATE TABLE t{} (a INTEGER);\n", i));
  }
  Database a(temp.options());
  Database b(temp.options());
  auto run = [&dir](Database& db) { return Migrator(db, dir.path()).apply(); };
  auto fa = std::async(std::launch::async, run, std::ref(a));
  auto fb = std::async(std::launch::async, run, std::ref(b));
  std::vector<std::string> done_a;
  std::vector<std::string> done_b;
  REQUIRE_NOTHROW(done_a = fa.get());
  REQUIRE_NOTHROW(done_b = fb.get());
  std::multiset<std::string> all(done_a.begin(), done_a.end());
  all.insert(done_b.begin(), done_b.end());
  CHECK(all.size() == kFiles);
  CHECK(std::set<std::string>(all.begin(), all.end()).size() == kFiles);
  CHECK_NOTHROW(Migrator(a, dir.path()).verify());
}

TEST_CASE("PostgreSQL verify names an altered file", "[db][pg][migrations]") {
  TempPgDatabase temp;
  TempDir dir;
  write_file(dir.path() / "postgresql" / "0001_orders.sql", kFirst);
  Database db(temp.options());
  Migrator migrator(db, dir.path());
  migrator.apply();
  write_file(dir.path() / "postgresql" / "0001_orders.sql", std::string(kFirst) + "\n");
  CHECK_THAT(message_of([&] { migrator.verify(); }), Catch::Contains("0001_orders.sql was changed"));
}
