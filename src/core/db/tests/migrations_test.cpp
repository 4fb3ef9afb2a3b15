// Migrations on SQLite: apply, status, verify (behind, ahead, altered), failures and concurrent
// migrators. Each test writes its own migration folder.
#include "sha256.hpp"
#include "test_support.hpp"

#include <ecom/db/migrations.hpp>
#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <soci/soci.h>

#include <algorithm>
#include <functional>
#include <future>
#include <set>

using ecom::core::Error;
using ecom::core::ErrorCode;
using ecom::db::Consistency;
using ecom::db::Database;
using ecom::db::MigrationStatus;
using ecom::db::Migrator;
using ecom::db::test::sqlite_options;
using ecom::db::test::TempDir;
using ecom::db::test::write_file;
using State = MigrationStatus::State;

namespace {

// A file of several statements, one of them a trigger whose body holds its own semicolons.
constexpr std::string_view kFirst = R"(-- products and their audit trail
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE product_audit (product_id INTEGER NOT NULL, note TEXT NOT NULL);
CREATE TRIGGER products_audit AFTER INSERT ON products BEGIN
  INSERT INTO product_audit (product_id, note) VALUES (NEW.id, 'created; with a semicolon');
END;
INSERT INTO products (id, name) VALUES (1, 'seeded: with a colon');
)";
constexpr std::string_view kSecond = "CREATE TABLE carts (id INTEGER PRIMARY KEY);\n";
constexpr std::string_view kThird = "CREATE INDEX carts_by_id ON carts (id);\n";

int count(Database& db, const char* sql) {
  return db.read("", Consistency::strong, [&](soci::session& s) {
    int n = 0;
    s << sql, soci::into(n);
    return n;
  });
}

std::string error_message(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.message();
  }
  return "(no error)";
}

struct Fixture {
  TempDir dir;
  std::filesystem::path root = dir.path() / "migrations";
  std::filesystem::path files = root / "sqlite";
  Database db{sqlite_options(dir.path() / "shop.db")};

  Fixture() {
    write_file(files / "0001_products.sql", kFirst);
    write_file(files / "0002_carts.sql", kSecond);
  }
};

}  // namespace

TEST_CASE("apply runs pending files in order, once, and records them", "[db][migrations]") {
  Fixture f;
  Migrator migrator(f.db, f.root);
  CHECK(migrator.directory() == f.files);

  auto before = migrator.status();
  REQUIRE(before.size() == 2);
  CHECK(before[0].state == State::pending);
  CHECK(before[0].applied_at.empty());

  CHECK(migrator.apply() == std::vector<std::string>{"0001_products.sql", "0002_carts.sql"});
  // Every statement of the file ran, in order: the seed row fired the trigger created before it.
  CHECK(count(f.db, "SELECT count(*) FROM products") == 1);
  CHECK(count(f.db, "SELECT count(*) FROM product_audit WHERE note = 'created; with a semicolon'") == 1);
  f.db.transact("", [](soci::session& s) { s << "INSERT INTO products (id, name) VALUES (2, 'x')"; });
  CHECK(count(f.db, "SELECT count(*) FROM product_audit") == 2);
  CHECK(count(f.db, "SELECT count(*) FROM products WHERE name = 'seeded: with a colon'") == 1);

  auto after = migrator.status();
  REQUIRE(after.size() == 2);
  CHECK(after[0].version == 1);
  CHECK(after[0].name == "products");
  CHECK(after[0].file == "0001_products.sql");
  CHECK(after[0].state == State::applied);
  CHECK(after[0].applied_at.size() == 19);  // YYYY-MM-DD HH:MM:SS
  CHECK(after[1].state == State::applied);
  CHECK_NOTHROW(migrator.verify());

  // The checksum recorded is the SHA-256 of the file's bytes.
  std::string recorded = f.db.read("", Consistency::strong, [](soci::session& s) {
    std::string c;
    s << "SELECT checksum FROM schema_migrations WHERE version = 1", soci::into(c);
    return c;
  });
  CHECK(recorded == ecom::db::detail::sha256_hex(kFirst));

  // Nothing pending: a second apply does nothing.
  CHECK(migrator.apply().empty());
  CHECK(count(f.db, "SELECT count(*) FROM schema_migrations") == 2);
}

TEST_CASE("the default folder is db.migrations_dir/<backend>", "[db][migrations]") {
  TempDir dir;
  auto options = sqlite_options(dir.path() / "shop.db");
  options.migrations_dir = (dir.path() / "m").string();
  Database db(options);
  CHECK(Migrator(db).directory() == dir.path() / "m" / "sqlite");
}

TEST_CASE("verify refuses a schema that is behind, naming the file", "[db][migrations]") {
  Fixture f;
  Migrator migrator(f.db, f.root);
  auto fresh = error_message([&] { migrator.verify(); });
  CHECK_THAT(fresh, Catch::Contains("0001_products.sql is not applied") && Catch::Contains("behind"));
  migrator.apply();
  write_file(f.files / "0003_cart_index.sql", kThird);
  auto behind = error_message([&] { migrator.verify(); });
  CHECK_THAT(behind, Catch::Contains("0003_cart_index.sql") && Catch::Contains("ecomctl migrate"));
  CHECK_THAT(behind, !Catch::Contains("0002_carts.sql"));
  CHECK(migrator.status().back().state == State::pending);
  CHECK(migrator.apply() == std::vector<std::string>{"0003_cart_index.sql"});
  CHECK_NOTHROW(migrator.verify());
}

TEST_CASE("verify refuses a schema that is ahead of the files", "[db][migrations]") {
  Fixture f;
  Migrator migrator(f.db, f.root);
  migrator.apply();
  std::filesystem::remove(f.files / "0002_carts.sql");
  auto rows = migrator.status();
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].state == State::missing_file);
  CHECK(rows[1].file == "0002_carts.sql");
  CHECK_THAT(error_message([&] { migrator.verify(); }), Catch::Contains("version 2") && Catch::Contains("ahead"));
  // apply will not build on top of it either.
  CHECK_THAT(error_message([&] { migrator.apply(); }), Catch::Contains("refusing to migrate"));
}

TEST_CASE("verify and apply refuse a file altered after it was applied", "[db][migrations]") {
  Fixture f;
  Migrator migrator(f.db, f.root);
  migrator.apply();
  write_file(f.files / "0002_carts.sql", std::string(kSecond) + "-- a harmless-looking comment\n");
  write_file(f.files / "0003_cart_index.sql", kThird);
  auto rows = migrator.status();
  CHECK(rows[1].state == State::altered);
  auto message = error_message([&] { migrator.verify(); });
  CHECK_THAT(message, Catch::Contains("0002_carts.sql was changed after it was applied"));
  CHECK_THAT(message, Catch::Contains("0003_cart_index.sql is not applied"));  // every problem is listed
  CHECK_THAT(error_message([&] { migrator.apply(); }), Catch::Contains("0002_carts.sql"));
  CHECK(migrator.status()[2].state == State::pending);  // 0003 was not applied on top
}

TEST_CASE("a failing migration is rolled back whole, earlier ones stay", "[db][migrations]") {
  Fixture f;
  write_file(f.files / "0003_broken.sql",
             "CREATE TABLE half_done (a INTEGER);\nINSERT INTO no_such_table VALUES (1);\n");
  Migrator migrator(f.db, f.root);
  try {
    migrator.apply();
    FAIL("the broken migration should have failed");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::internal);
    CHECK_THAT(e.message(), Catch::Contains("0003_broken.sql") && Catch::Contains("no_such_table"));
  }
  auto rows = migrator.status();
  CHECK(rows[0].state == State::applied);
  CHECK(rows[1].state == State::applied);
  CHECK(rows[2].state == State::pending);
  CHECK(count(f.db, "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'") == 0);
  // Fixed, it applies.
  write_file(f.files / "0003_broken.sql", "CREATE TABLE half_done (a INTEGER);\n");
  CHECK(migrator.apply() == std::vector<std::string>{"0003_broken.sql"});
}

TEST_CASE("badly named files, duplicate versions and a missing folder are clear errors", "[db][migrations]") {
  Fixture f;
  Migrator migrator(f.db, f.root);
  write_file(f.files / "README.md", "not a migration\n");  // ignored: not .sql
  CHECK_NOTHROW(migrator.status());
  write_file(f.files / "3_oops.sql", kThird);
  CHECK_THAT(error_message([&] { migrator.apply(); }),
             Catch::Contains("3_oops.sql") && Catch::Contains("NNNN_name.sql"));
  std::filesystem::remove(f.files / "3_oops.sql");
  write_file(f.files / "0002_more_carts.sql", kThird);
  CHECK_THAT(error_message([&] { migrator.verify(); }), Catch::Contains("two migration files have version 2"));
  std::filesystem::remove(f.files / "0002_more_carts.sql");

  Migrator nowhere(f.db, f.dir.path() / "nope");
  CHECK_THAT(error_message([&] { nowhere.verify(); }), Catch::Contains("nope") && Catch::Contains("not found"));
}

TEST_CASE("two migrators at once apply each file exactly once", "[db][migrations]") {
  TempDir dir;
  const auto root = dir.path() / "migrations";
  // Without IF NOT EXISTS: a second application of any file fails loudly.
  constexpr int kFiles = 6;
  for (int i = 1; i <= kFiles; ++i) {
    write_file(root / "sqlite" / fmt::format("{:04}_t{}.sql", i, i), fmt::format("CREATE TABLE t{} (a INTEGER);\n", i));
  }
  const auto file = dir.path() / "shared.db";
  // Two Database objects stand for two processes.
  Database a(sqlite_options(file));
  Database b(sqlite_options(file));
  auto run = [&root](Database& db) { return Migrator(db, root).apply(); };
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
  CHECK(count(a, "SELECT count(*) FROM schema_migrations") == kFiles);
  CHECK_NOTHROW(Migrator(b, root).verify());
}
