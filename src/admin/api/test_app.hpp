// For tests that need the admin's real route table: an admin::App, as main() builds it, on a
// temporary SQLite database migrated from the repository's files, with the built-in configuration
// (static files and templates from the source tree, images in the temporary folder). Any admin
// test target may include it (its directory is on ecom_admin_app's include path).
#pragma once

#include "app.hpp"
#include "test_support.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/db/migrations.hpp>
#include <ecom/identity/passwords.hpp>
#include <ecom/identity/staff.hpp>
#include <ecom/platform/config.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>

namespace ecom::admin::test {

// extra: more top-level members, e.g. R"("admin":{"api_key_requests_per_minute":2})".
inline config::Config admin_test_config(const std::filesystem::path& media, const std::string& extra = "") {
  config::Schema schema;
  declare_config(schema);
  auto env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  return config::Config::parse(schema,
                               R"({"static":{"root":")" + std::string(ECOM_SOURCE_DIR) +
                                   R"(/web"},"storage":{"root":")" + media.string() +
                                   R"("},"assets":{"base_url":"/media"})" + (extra.empty() ? "" : "," + extra) + "}",
                               "test.json", env);
}

// Members are declared in the order they are built; app must not outlive the others.
struct TestApp {
  explicit TestApp(identity::StaffOptions staff_options = {}, const std::string& extra_config = "")
      : db(db::test::sqlite_options(dir.path() / "shop.db")),
        cache(cache::LocalCacheOptions{}),
        config(admin_test_config(dir.path() / "media", extra_config)),
        staff(db, hasher, cache, std::move(staff_options)),
        app((db::Migrator(db, ECOM_SOURCE_DIR "/migrations").apply(), config), db, cache, staff) {}

  db::test::TempDir dir;
  db::Database db;
  cache::LocalCache cache;
  identity::PasswordHasher hasher;
  config::Config config;
  identity::StaffService staff;
  App app;
};

}  // namespace ecom::admin::test
