// ecomctl migrate as an operator runs it: the built binary against a temporary SQLite file and a
// temporary migrations folder (and an unreachable PostgreSQL address), checking what it prints
// and its exit code.
#include "child_process.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs ecomctl with args in cwd, with no ECOM_* variables but those in env; bounded by a deadline.
Run ecomctl(const std::vector<std::string>& args, const std::filesystem::path& cwd,
            const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv{std::string(ECOM_BIN_DIR) + "/ecomctl"};
  argv.insert(argv.end(), args.begin(), args.end());
  ecom::test::ChildProcess child(argv, env, cwd);
  auto code = child.wait_exit(30s);
  return Run{code.value_or(-1), child.output()};
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

struct Workspace {
  ecom::test::TempDir scratch{"ecom-ctl"};
  std::filesystem::path dir = scratch.path();
  std::filesystem::path config = dir / "ctl.json";

  Workspace() {
    write_file(config, R"({"db": {"url": "sqlite:)" + (dir / "data" / "shop.db").string() +
                           R"(", "migrations_dir": ")" + (dir / "migrations").string() + R"("}})");
    write_file(dir / "migrations" / "sqlite" / "0001_products.sql",
               "CREATE TABLE products (id INTEGER PRIMARY KEY);\nCREATE TABLE prices (id INTEGER PRIMARY KEY);\n");
    write_file(dir / "migrations" / "sqlite" / "0002_carts.sql", "CREATE TABLE carts (id INTEGER PRIMARY KEY);\n");
  }
  Run migrate(std::vector<std::string> extra = {}, const std::vector<std::string>& env = {}) const {
    std::vector<std::string> args{"migrate", "--config", config.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return ecomctl(args, dir, env);
  }
};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("ecomctl migrate applies pending files, prints each, and --status lists them", "[e2e][ctl]") {
  Workspace w;
  auto first = w.migrate();
  INFO(first.output);
  CHECK(first.exit_code == 0);
  CHECK(contains(first.output, "applied 0001_products.sql\napplied 0002_carts.sql\n"));
  CHECK(contains(first.output, "schema is up to date"));
  CHECK(std::filesystem::exists(w.dir / "data" / "shop.db"));  // the data folder was created

  auto again = w.migrate();
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK_FALSE(contains(again.output, "applied 0001"));
  CHECK(contains(again.output, "schema is up to date (0 applied now)"));

  write_file(w.dir / "migrations" / "sqlite" / "0003_orders.sql", "CREATE TABLE orders (id INTEGER PRIMARY KEY);\n");
  auto status = w.migrate({"--status"});
  INFO(status.output);
  CHECK(status.exit_code == 0);
  CHECK(contains(status.output, "version  name     state         applied_at"));
  CHECK(contains(status.output, "0001     products applied       20"));
  CHECK(contains(status.output, "0003     orders   pending       -"));
  CHECK(contains(status.output, "1 pending migration(s): run ecomctl migrate"));
}

TEST_CASE("ecomctl migrate refuses an altered file with a message naming it", "[e2e][ctl]") {
  Workspace w;
  REQUIRE(w.migrate().exit_code == 0);
  write_file(w.dir / "migrations" / "sqlite" / "0002_carts.sql", "CREATE TABLE carts (id INTEGER);\n");
  auto run = w.migrate();
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(contains(run.output, "0002_carts.sql was changed after it was applied"));
  auto status = w.migrate({"--status"});
  CHECK(contains(status.output, "altered"));
}

TEST_CASE("ecomctl migrate against an unreachable PostgreSQL fails clearly", "[e2e][ctl]") {
  Workspace w;
  auto run = w.migrate({}, {"ECOM_DB_URL=postgresql://ecom@127.0.0.1:1/shop", "ECOM_DB_PASSWORD=sekrit-pw",
                            "ECOM_DB_ACQUIRE_TIMEOUT_MS=500"});
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(contains(run.output, "ecomctl migrate: cannot connect to the database postgresql://ecom@127.0.0.1:1/shop"));
  CHECK_FALSE(contains(run.output, "sekrit"));
}

TEST_CASE("ecomctl migrate rejects unknown flags and bad configuration", "[e2e][ctl]") {
  Workspace w;
  auto flag = w.migrate({"--frobnicate"});
  CHECK(flag.exit_code == 2);
  CHECK(contains(flag.output, "unknown argument '--frobnicate'"));
  CHECK(contains(flag.output, "Usage: ecomctl migrate"));

  write_file(w.config, R"({"db": {"urll": "sqlite:x.db"}})");
  auto typo = w.migrate();
  CHECK(typo.exit_code == 2);
  CHECK(contains(typo.output, "configuration error"));
  CHECK(contains(typo.output, "did you mean 'db.url'"));

  auto missing = ecomctl({"migrate", "--config", (w.dir / "nope.json").string()}, w.dir);
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.output, "nope.json"));

  auto bad_url = w.migrate({}, {"ECOM_DB_URL=mysql://root@localhost/shop"});
  CHECK(bad_url.exit_code == 2);
  CHECK(contains(bad_url.output, "db.url"));
}

TEST_CASE("ecomctl migrate finds config/ecomctl.json, or $ECOM_CONFIG, from the working directory", "[e2e][ctl]") {
  Workspace w;
  std::filesystem::create_directories(w.dir / "config");
  std::filesystem::copy_file(w.config, w.dir / "config" / "ecomctl.json");
  auto by_default = ecomctl({"migrate"}, w.dir);
  INFO(by_default.output);
  CHECK(by_default.exit_code == 0);
  CHECK(contains(by_default.output, "applied 0002_carts.sql"));

  std::filesystem::remove(w.dir / "config" / "ecomctl.json");
  // One file serves every ecomctl command: messaging keys do not upset migrate.
  write_file(w.config, R"({"db": {"url": "sqlite:)" + (w.dir / "data" / "shop.db").string() +
                           R"(", "migrations_dir": ")" + (w.dir / "migrations").string() +
                           R"("}, "messaging": {"exchange": "ecom.events"}})");
  auto by_env = ecomctl({"migrate", "--status"}, w.dir, {"ECOM_CONFIG=" + w.config.string()});
  INFO(by_env.output);
  CHECK(by_env.exit_code == 0);
  CHECK(contains(by_env.output, "schema is up to date (2 migrations)"));
}
