// The sizes an image comes in (sizes.hpp): the names of the smaller copies and back, the srcset
// candidates of an image by its width, and placeholders written at every size.
#include <ecom/storage/image.hpp>
#include <ecom/storage/sizes.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <sstream>
#include <string>

using namespace ecom::storage;

namespace {

// Storage in a map: what put_placeholder wrote, and how often.
class MemoryStorage final : public Storage {
 public:
  void put(std::string_view key, std::string_view bytes) override {
    files_[std::string(key)] = std::string(bytes);
    ++puts;
  }
  [[nodiscard]] std::optional<std::string> get(std::string_view key) const override {
    const auto it = files_.find(std::string(key));
    return it == files_.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  [[nodiscard]] std::unique_ptr<std::istream> open(std::string_view key) const override {
    const auto bytes = get(key);
    return bytes ? std::make_unique<std::istringstream>(*bytes) : nullptr;
  }
  bool remove(std::string_view key) override { return files_.erase(std::string(key)) > 0; }
  [[nodiscard]] bool exists(std::string_view key) const override { return files_.contains(std::string(key)); }
  [[nodiscard]] std::size_t size() const { return files_.size(); }
  int puts = 0;

 private:
  std::map<std::string, std::string> files_;
};

std::int64_t width_of(const Storage& store, const std::string& key) {
  const auto bytes = store.get(key);
  REQUIRE(bytes);
  return inspect_image(*bytes).width;
}

}  // namespace

TEST_CASE("sized_key names a smaller copy beside its image, and parse_sized_key reads it back", "[storage][sizes]") {
  CHECK(sized_key("products/12/0123456789abcdef0123456789abcdef.png", 400) ==
        "products/12/0123456789abcdef0123456789abcdef-400w.png");
  CHECK(sized_key("placeholders/seed-01.png", 800) == "placeholders/seed-01-800w.png");
  CHECK(valid_key(sized_key("placeholders/seed-01.png", 400)));

  const auto parsed = parse_sized_key("placeholders/seed-01-400w.png");
  REQUIRE(parsed);
  CHECK(parsed->original == "placeholders/seed-01.png");
  CHECK(parsed->width == 400);
  CHECK(parse_sized_key("products/1/ab-800w.webp")->original == "products/1/ab.webp");

  // Not a copy: no suffix, a width off the ladder, leading zeros, no digits or no "w".
  CHECK_FALSE(parse_sized_key("placeholders/seed-01.png"));
  CHECK_FALSE(parse_sized_key("placeholders/seed-01-401w.png"));
  CHECK_FALSE(parse_sized_key("placeholders/seed-01-0400w.png"));
  CHECK_FALSE(parse_sized_key("placeholders/seed-w.png"));
  CHECK_FALSE(parse_sized_key("placeholders/seed-400.png"));
  // A dot in a folder is no extension.
  CHECK(parse_sized_key("a.b/seed-400w")->original == "a.b/seed");
  CHECK(sized_key("a.b/seed", 400) == "a.b/seed-400w");
}

TEST_CASE("size_candidates lists the copies narrower than the image, then the image", "[storage][sizes]") {
  const auto big = size_candidates("p/a.png", 1600);
  REQUIRE(big.size() == 3);
  CHECK(big[0].key == "p/a-400w.png");
  CHECK(big[0].width == 400);
  CHECK(big[1].key == "p/a-800w.png");
  CHECK(big[1].width == 800);
  CHECK(big[2].key == "p/a.png");
  CHECK(big[2].width == 1600);

  const auto at_2x = size_candidates("p/a.png", 800);
  REQUIRE(at_2x.size() == 2);
  CHECK(at_2x[0].width == 400);
  CHECK(at_2x[1].key == "p/a.png");

  // An image no wider than the smallest copy has no copies.
  for (const std::int64_t width : {400, 120}) {
    const auto small = size_candidates("p/a.png", width);
    REQUIRE(small.size() == 1);
    CHECK(small[0].key == "p/a.png");
    CHECK(small[0].width == width);
  }
}

TEST_CASE("put_placeholder writes the image and its copies at their widths, once", "[storage][sizes]") {
  MemoryStorage store;
  put_placeholder(store, "placeholders/seed-01.png", 800, Rgb{10, 20, 30}, Rgb{200, 210, 220});
  CHECK(store.size() == 2);
  CHECK(width_of(store, "placeholders/seed-01.png") == 800);
  CHECK(width_of(store, "placeholders/seed-01-400w.png") == 400);
  const auto writes = store.puts;

  // Everything in place: nothing is rewritten.
  put_placeholder(store, "placeholders/seed-01.png", 800, Rgb{10, 20, 30}, Rgb{200, 210, 220});
  CHECK(store.puts == writes);

  // A placeholder of an older, smaller seed is replaced by one of the right size; a missing copy
  // is added.
  store.put("placeholders/seed-02.png", placeholder_png(400, 400, Rgb{}, Rgb{}));
  put_placeholder(store, "placeholders/seed-02.png", 800, Rgb{}, Rgb{});
  CHECK(width_of(store, "placeholders/seed-02.png") == 800);
  CHECK(width_of(store, "placeholders/seed-02-400w.png") == 400);
}
