// A fresh SQLite database file with every migration applied, deleted afterwards.
#pragma once

#include <ecom/db/database.hpp>
#include <ecom/db/migrations.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace ecom::cache::testing {

class SqliteFile {
 public:
  SqliteFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ecom-cache-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    dir_ = pattern;
    auto db = open();
    db::Migrator(*db, ECOM_SOURCE_DIR "/migrations").apply();
  }
  ~SqliteFile() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  SqliteFile(const SqliteFile&) = delete;
  SqliteFile& operator=(const SqliteFile&) = delete;

  [[nodiscard]] std::string url() const { return "sqlite:" + (dir_ / "shop.db").string(); }
  // One Database per simulated process, as each real process has its own pools.
  [[nodiscard]] std::unique_ptr<db::Database> open() const {
    db::DatabaseOptions options;
    options.url = url();
    options.pool_size = 2;
    return std::make_unique<db::Database>(options);
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace ecom::cache::testing
