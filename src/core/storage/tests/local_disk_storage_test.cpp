// LocalDiskStorage on a temporary folder: round trips, atomic replacement, key validation (no
// traversal, no absolute paths, no hidden files) and removal.
#include "temp_dir.hpp"

#include <ecom/platform/config.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/storage/storage.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

using namespace ecom::storage;

namespace {

// A storage root that does not exist yet, in a scratch folder removed at the end.
struct TempRoot {
  ecom::test::TempDir dir{"ecom-storage"};
  std::filesystem::path path = dir / "root";
};

}  // namespace

TEST_CASE("valid_key: only lower-case relative keys without traversal or hidden segments", "[storage]") {
  CHECK(valid_key("products/12/3f2a9c.png"));
  CHECK(valid_key("placeholders/seed-01_a.png"));
  CHECK_FALSE(valid_key(""));
  CHECK_FALSE(valid_key("/etc/passwd"));
  CHECK_FALSE(valid_key("../secret"));
  CHECK_FALSE(valid_key("products/../../secret"));
  CHECK_FALSE(valid_key("products/./a.png"));
  CHECK_FALSE(valid_key("products/.hidden"));
  CHECK_FALSE(valid_key("products//a.png"));
  CHECK_FALSE(valid_key("products/"));
  CHECK_FALSE(valid_key("Products/A.png"));
  CHECK_FALSE(valid_key("products\\a.png"));
  CHECK_FALSE(valid_key(std::string("a\0b", 3)));
  CHECK_FALSE(valid_key("a b.png"));
  CHECK_FALSE(valid_key(std::string(kMaxKeyLength + 1, 'a')));
  CHECK(valid_key(std::string(kMaxKeyLength, 'a')));
}

TEST_CASE("LocalDiskStorage: put, get, open, exists, replace and remove", "[storage]") {
  TempRoot root;
  LocalDiskStorage storage(root.path);
  const std::string bytes("\x89PNG\0binary\xFF", 12);
  CHECK_FALSE(storage.exists("products/1/a.png"));
  CHECK_FALSE(storage.get("products/1/a.png"));
  CHECK(storage.open("products/1/a.png") == nullptr);

  storage.put("products/1/a.png", bytes);
  CHECK(storage.exists("products/1/a.png"));
  CHECK(storage.get("products/1/a.png") == bytes);
  CHECK(std::filesystem::file_size(root.path / "products/1/a.png") == bytes.size());
  auto in = storage.open("products/1/a.png");
  REQUIRE(in != nullptr);
  const std::string streamed((std::istreambuf_iterator<char>(*in)), std::istreambuf_iterator<char>());
  CHECK(streamed == bytes);

  storage.put("products/1/a.png", "second");
  CHECK(storage.get("products/1/a.png") == "second");
  // No temporary file is left behind in the folder.
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root.path / "products/1")) {
    CHECK(entry.path().filename() == "a.png");
    ++files;
  }
  CHECK(files == 1);

  CHECK(storage.remove("products/1/a.png"));
  CHECK_FALSE(storage.exists("products/1/a.png"));
  CHECK_FALSE(storage.remove("products/1/a.png"));
  // A folder is not a file.
  CHECK_FALSE(storage.exists("products/1"));
  CHECK_FALSE(storage.get("products"));
}

TEST_CASE("LocalDiskStorage: invalid keys never touch the file system", "[storage]") {
  TempRoot root;
  std::filesystem::create_directories(root.path / "inner");
  std::ofstream(root.path / "secret.txt") << "secret";
  LocalDiskStorage storage(root.path / "inner");
  try {
    storage.put("../escaped.png", "x");
    FAIL("a traversal key was accepted");
  } catch (const ecom::core::Error& e) {
    CHECK(e.code() == ecom::core::ErrorCode::bad_request);
  }
  CHECK_FALSE(std::filesystem::exists(root.path / "escaped.png"));
  CHECK_THROWS_AS(storage.put("/tmp/x.png", "x"), ecom::core::Error);
  CHECK_FALSE(storage.get("../secret.txt"));
  CHECK_FALSE(storage.exists("../secret.txt"));
  CHECK_FALSE(storage.remove("../secret.txt"));
  CHECK(std::filesystem::exists(root.path / "secret.txt"));
  CHECK_FALSE(storage.path_of("../secret.txt"));
}

TEST_CASE("LocalDiskStorage: a root that cannot be written is unavailable", "[storage]") {
  TempRoot root;
  std::filesystem::create_directories(root.path);
  std::ofstream(root.path / "file") << "not a folder";
  LocalDiskStorage storage(root.path / "file");
  try {
    storage.put("a.png", "x");
    FAIL("writing below a regular file succeeded");
  } catch (const ecom::core::Error& e) {
    CHECK(e.code() == ecom::core::ErrorCode::unavailable);
  }
}

TEST_CASE("assets.base_url is declared with storage.* and checked once", "[storage][config]") {
  ecom::config::Schema schema;
  declare_config(schema);
  auto env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto parse = [&](const std::string& url) {
    return ecom::config::Config::parse(schema, R"({"assets":{"base_url":")" + url + R"("}})", "test.json", env);
  };
  CHECK(options_from(ecom::config::Config::parse(schema, "{}", "test.json", env)).asset_base_url == "/media");
  CHECK(options_from(parse("https://cdn.example/m")).asset_base_url == "https://cdn.example/m");
  CHECK(options_from(parse("/images")).asset_base_url == "/images");
  for (const char* bad : {"", "/", "/media/", "media", "ftp://cdn.example", "https://cdn.example/"}) {
    INFO(bad);
    CHECK_THROWS_WITH(options_from(parse(bad)), Catch::Contains("assets.base_url"));
  }
}
