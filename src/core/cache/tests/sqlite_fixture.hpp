// A fresh SQLite database file with every migration applied, deleted afterwards.
#pragma once

#include "temp_dir.hpp"

#include <ecom/db/database.hpp>
#include <ecom/db/migrations.hpp>

#include <memory>
#include <string>

namespace ecom::cache::testing {

class SqliteFile {
 public:
  SqliteFile() {
    auto db = open();
    db::Migrator(*db, ECOM_SOURCE_DIR "/migrations").apply();
  }

  [[nodiscard]] std::string url() const { return "sqlite:" + (dir_ / "shop.db").string(); }
  // One Database per simulated process, as each real process has its own pools.
  [[nodiscard]] std::unique_ptr<db::Database> open() const {
    db::DatabaseOptions options;
    options.url = url();
    options.pool_size = 2;
    return std::make_unique<db::Database>(options);
  }

 private:
  ecom::test::TempDir dir_{"ecom-cache"};
};

}  // namespace ecom::cache::testing
