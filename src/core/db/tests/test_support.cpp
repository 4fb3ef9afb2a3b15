#include "test_support.hpp"

#include <fstream>
#include <stdexcept>

namespace ecom::db::test {

void write_file(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

DatabaseOptions sqlite_options(const std::filesystem::path& file) {
  DatabaseOptions o;
  o.url = "sqlite:" + file.string();
  o.pool_size = 4;
  o.acquire_timeout = std::chrono::milliseconds(500);
  o.statement_timeout = std::chrono::milliseconds(2000);
  return o;
}

}  // namespace ecom::db::test
