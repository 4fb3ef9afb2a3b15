// Helpers shared by the db tests: a scratch folder, SQLite databases in it, and files to write.
#pragma once

#include <ecom/db/database.hpp>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>

namespace ecom::db::test {

// A fresh folder under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("ecom-db-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

void write_file(const std::filesystem::path& path, std::string_view text);

// Options for an SQLite file in dir, with short timeouts so failures show quickly.
[[nodiscard]] DatabaseOptions sqlite_options(const std::filesystem::path& file);

}  // namespace ecom::db::test
