// ecomctl seed, staff create and audit verify as scripts/run and an operator run them: the built
// binary against a temporary SQLite file migrated with the real migrations, checking what it
// prints and its exit code.
#include "child_process.hpp"
#include "temp_dir.hpp"
#include "test_support.hpp"

#include <ecom/db/database.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

struct Workspace {
  ecom::test::TempDir scratch{"ecom-seed"};
  std::filesystem::path dir = scratch.path();
  std::filesystem::path config = dir / "ctl.json";

  Workspace() {
    std::ofstream(config, std::ios::binary | std::ios::trunc)
        << R"({"db": {"url": "sqlite:)" + (dir / "shop.db").string() + R"(", "migrations_dir": ")" +
               std::string(ECOM_SOURCE_DIR) + R"(/migrations"}})";
  }
  // Runs ecomctl COMMAND --config ctl.json ARGS..., bounded by a deadline.
  [[nodiscard]] Run ecomctl(const std::string& command, const std::vector<std::string>& args = {}) const {
    std::vector<std::string> argv{std::string(ECOM_BIN_DIR) + "/ecomctl", command, "--config", config.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    ecom::test::ChildProcess child(argv, {}, dir);
    auto code = child.wait_exit(60s);
    return Run{code.value_or(-1), child.output()};
  }
};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("ecomctl seed fills an empty catalog once, refuses a second time, and --if-empty skips", "[e2e][ctl]") {
  Workspace w;
  const auto migrated = w.ecomctl("migrate");
  INFO(migrated.output);
  REQUIRE(migrated.exit_code == 0);

  const auto seeded = w.ecomctl("seed", {"--products", "50"});
  INFO(seeded.output);
  CHECK(seeded.exit_code == 0);
  CHECK(contains(seeded.output, "seeded 50 products, "));
  CHECK(contains(seeded.output, " images, "));
  CHECK(contains(seeded.output, " categories in "));
  // Placeholder images: a fixed set of 12 PNGs, each with its 400-pixel copy (storage/sizes.hpp),
  // under storage.root (var/media by default, relative to the working directory), not one file per
  // product.
  std::size_t images = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(w.dir / "var/media")) {
    CHECK(entry.path().string().find("placeholders") != std::string::npos);
    images += entry.is_regular_file() ? 1U : 0U;
  }
  CHECK(images == 24);

  const auto again = w.ecomctl("seed", {"--products", "50"});
  INFO(again.output);
  CHECK(again.exit_code == 1);
  CHECK(contains(again.output, "already has 50 products"));
  CHECK(contains(again.output, "--append"));

  const auto if_empty = w.ecomctl("seed", {"--products", "50", "--if-empty"});
  INFO(if_empty.output);
  CHECK(if_empty.exit_code == 0);
  CHECK(contains(if_empty.output, "nothing seeded"));

  const auto appended = w.ecomctl("seed", {"--products", "10", "--seed", "2", "--append"});
  INFO(appended.output);
  CHECK(appended.exit_code == 0);
  CHECK(contains(appended.output, "seeded 10 products, "));
}

TEST_CASE("ecomctl seed without --products is a usage error", "[e2e][ctl]") {
  Workspace w;
  const auto run = w.ecomctl("seed");
  INFO(run.output);
  CHECK(run.exit_code == 2);
  CHECK(contains(run.output, "--products N is required"));
}

TEST_CASE("ecomctl seed --no-images writes neither image rows nor files", "[e2e][ctl]") {
  Workspace w;
  REQUIRE(w.ecomctl("migrate").exit_code == 0);
  const auto seeded = w.ecomctl("seed", {"--products", "20", "--no-images"});
  INFO(seeded.output);
  CHECK(seeded.exit_code == 0);
  CHECK(contains(seeded.output, "seeded 20 products, "));
  CHECK(contains(seeded.output, " 0 images, "));
  CHECK_FALSE(std::filesystem::exists(w.dir / "var/media"));
}

TEST_CASE("ecomctl staff create makes an owner once, and audit verify finds a changed entry", "[e2e][ctl]") {
  Workspace w;
  REQUIRE(w.ecomctl("migrate").exit_code == 0);
  const auto created = w.ecomctl("staff", {"create", "--email", "Boss@Example.com", "--role", "owner"});
  INFO(created.output);
  REQUIRE(created.exit_code == 0);
  CHECK(contains(created.output, "created staff member 1 boss@example.com (owner)"));
  CHECK(contains(created.output, "password: "));
  const auto again = w.ecomctl("staff", {"create", "--email", "second@example.com", "--role", "owner", "--if-none"});
  CHECK(again.exit_code == 0);
  CHECK(contains(again.output, "nothing created"));
  CHECK(w.ecomctl("staff", {"create", "--email", "x@example.com", "--role", "root"}).exit_code == 1);
  CHECK(w.ecomctl("staff", {"create", "--role", "owner"}).exit_code == 2);

  const auto intact = w.ecomctl("audit", {"verify"});
  INFO(intact.output);
  CHECK(intact.exit_code == 0);
  CHECK(contains(intact.output, "audit log intact: 1 entries"));
  {
    // Someone with the database file rewrites history around the append-only triggers.
    ecom::db::Database db(ecom::db::test::sqlite_options(w.dir / "shop.db"));
    db.transact("", [](soci::session& tx) {
      tx << "DROP TRIGGER audit_log_no_update";
      tx << "UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 1";
    });
  }
  const auto broken = w.ecomctl("audit", {"verify"});
  INFO(broken.output);
  CHECK(broken.exit_code == 1);
  CHECK(contains(broken.output, "audit log broken at entry 1"));
}
