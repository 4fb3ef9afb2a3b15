// Helpers shared by the db tests: a scratch folder, SQLite databases in it, and files to write.
#pragma once

#include "temp_dir.hpp"

#include <ecom/db/database.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

namespace ecom::db::test {

// A fresh folder, removed on destruction: the one of tests/support, under its old name here.
using TempDir = ecom::test::TempDir;

void write_file(const std::filesystem::path& path, std::string_view text);

// Options for an SQLite file in dir, with short timeouts so failures show quickly.
[[nodiscard]] DatabaseOptions sqlite_options(const std::filesystem::path& file);

}  // namespace ecom::db::test
