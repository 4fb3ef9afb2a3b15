// Checks of ImageService that must hold on every backend; images_sqlite_test.cpp runs them on
// SQLite (unit) and images_pg_test.cpp on the real PostgreSQL (integration). Files go to a
// LocalDiskStorage in a temporary folder; the images are real PNGs from placeholder_png.
#pragma once

#include "test_support.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/catalog/admin.hpp>
#include <ecom/catalog/catalog.hpp>
#include <ecom/catalog/images.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/storage/image.hpp>
#include <ecom/storage/placeholder.hpp>
#include <ecom/storage/storage.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <filesystem>
#include <functional>
#include <string>
#include <utility>

namespace ecom::catalog::test {

inline std::string tiny_png(std::uint8_t shade, std::uint32_t width = 3, std::uint32_t height = 2) {
  return storage::placeholder_png(width, height, storage::Rgb{shade, 10, 20}, storage::Rgb{30, shade, 40});
}

inline core::ErrorCode error_code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const core::Error& e) {
    return e.code();
  }
  FAIL("no core::Error was thrown");
  return core::ErrorCode::internal;
}

inline std::size_t files_below(const std::filesystem::path& root) {
  std::size_t n = 0;
  std::error_code ec;
  if (!std::filesystem::exists(root, ec)) {
    return 0;
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    n += entry.is_regular_file() ? 1U : 0U;
  }
  return n;
}

struct ImageFixture {
  explicit ImageFixture(db::Database& database)
      : db(database),
        cache(cache::LocalCacheOptions{}),
        catalog(db, cache, CatalogOptions{"image-test-secret", {}}),
        disk(dir.path() / "media"),
        images(db, cache, disk) {
    NewProduct p;
    p.slug = "linen-shirt";
    p.title = "Linen shirt";
    p.status = ProductStatus::active;
    product_id = CatalogAdmin(db, cache).create_product(p).id;
    NewProduct q;
    q.slug = "wool-scarf";
    q.title = "Wool scarf";
    q.status = ProductStatus::active;
    other_id = CatalogAdmin(db, cache).create_product(q).id;
  }

  [[nodiscard]] long long version(std::int64_t id) const {
    return db.read("", db::Consistency::strong, [id](soci::session& sql) {
      long long v = 0;
      const long long pid = id;
      sql << "SELECT version FROM products WHERE id = :id", soci::into(v), soci::use(pid, "id");
      return v;
    });
  }

  db::Database& db;
  cache::LocalCache cache;
  CatalogService catalog;
  db::test::TempDir dir;
  storage::LocalDiskStorage disk;
  ImageService images;
  std::int64_t product_id = 0;
  std::int64_t other_id = 0;
};

// Upload, storage key, listing, product read (through a warm cache), version bumps.
inline void check_add_and_read(db::Database& db) {
  ImageFixture f(db);
  const auto cached = f.catalog.get_product("linen-shirt");  // warms the cache
  CHECK(cached.images.empty());
  const auto before = f.version(f.product_id);

  const auto bytes = tiny_png(1, 30, 20);
  const auto added = f.images.add_image(f.product_id, bytes, "Front view");
  CHECK(added.id > 0);
  CHECK(added.width == 30);
  CHECK(added.height == 20);
  CHECK(added.alt == "Front view");
  CHECK(added.position == 0);
  const std::string prefix = "products/" + std::to_string(f.product_id) + "/";
  REQUIRE(added.path.starts_with(prefix));
  CHECK(added.path.size() == prefix.size() + 32 + 4);  // 32 hex digits + ".png"
  CHECK(added.path.ends_with(".png"));
  CHECK(f.disk.get(added.path) == bytes);
  CHECK(f.version(f.product_id) == before + 1);

  const auto second = f.images.add_image(f.product_id, tiny_png(2), "Back view");
  CHECK(second.position == 1);

  const auto product = f.catalog.get_product("linen-shirt");
  REQUIRE(product.images.size() == 2);
  CHECK(product.images[0].id == added.id);
  CHECK(product.images[0].path == added.path);
  CHECK(product.images[0].alt == "Front view");
  CHECK(product.images[0].width == 30);
  CHECK(product.images[1].id == second.id);
  CHECK(product.version == before + 2);

  const auto listed = f.images.list_images(f.product_id);
  REQUIRE(listed.size() == 2);
  CHECK(listed[1].alt == "Back view");
  CHECK(f.images.list_images(f.other_id).empty());
  CHECK(error_code_of([&] { (void)f.images.list_images(999'999); }) == core::ErrorCode::not_found);

  // The same bytes again on the same product: a conflict, and the existing file stays.
  CHECK(error_code_of([&] { f.images.add_image(f.product_id, bytes, ""); }) == core::ErrorCode::conflict);
  CHECK(f.disk.exists(added.path));
  // On another product the same bytes are another key.
  const auto copy = f.images.add_image(f.other_id, bytes, "");
  CHECK(copy.path != added.path);
  CHECK(f.disk.exists(copy.path));

  // A file without a row (left by a crash between write and commit) is reused by the next upload.
  f.db.transact("", [&](soci::session& sql) {
    const long long id = copy.id;
    sql << "DELETE FROM product_images WHERE id = :id", soci::use(id, "id");
  });
  REQUIRE(f.disk.exists(copy.path));
  const auto reused = f.images.add_image(f.other_id, bytes, "again");
  CHECK(reused.path == copy.path);
  CHECK(f.disk.get(reused.path) == bytes);
}

// Refused uploads leave neither a row nor a file.
inline void check_refusals(db::Database& db) {
  ImageFixture f(db);
  const auto media = f.dir.path() / "media";
  const auto before = f.version(f.product_id);
  CHECK(error_code_of([&] { f.images.add_image(f.product_id, "<svg onload=alert(1)>", ""); }) ==
        core::ErrorCode::unsupported_media);
  auto truncated = tiny_png(3);
  truncated.resize(truncated.size() - 5);
  CHECK(error_code_of([&] { f.images.add_image(f.product_id, truncated, ""); }) == core::ErrorCode::unprocessable);
  CHECK(error_code_of([&] { f.images.add_image(f.product_id, tiny_png(4), std::string(501, 'a')); }) ==
        core::ErrorCode::unprocessable);
  CHECK(error_code_of([&] { f.images.add_image(f.product_id, tiny_png(4), "line\nbreak"); }) ==
        core::ErrorCode::unprocessable);
  // 500 characters of UTF-8 (1000 bytes) are within the limit.
  std::string umlauts;
  for (int i = 0; i < 500; ++i) {
    umlauts += "\xC3\xBC";
  }
  CHECK(f.images.add_image(f.product_id, tiny_png(5), umlauts).alt == umlauts);
  CHECK(error_code_of([&] { f.images.add_image(999'999, tiny_png(6), ""); }) == core::ErrorCode::not_found);
  CHECK(files_below(media) == 1);
  CHECK(f.images.list_images(f.product_id).size() == 1);
  CHECK(f.version(f.product_id) == before + 1);

  ImageService strict(f.db, f.cache, f.disk, storage::ImageLimits{64, 8000});
  CHECK(error_code_of([&] { strict.add_image(f.product_id, tiny_png(7, 100, 100), ""); }) ==
        core::ErrorCode::payload_too_large);
  CHECK(files_below(media) == 1);
}

// Alt and position changes, ordering, deletes (row and file), and images of another product.
inline void check_update_and_delete(db::Database& db) {
  ImageFixture f(db);
  const auto a = f.images.add_image(f.product_id, tiny_png(10), "a");
  const auto b = f.images.add_image(f.product_id, tiny_png(11), "b");
  const auto c = f.images.add_image(f.product_id, tiny_png(12), "c");
  (void)f.catalog.get_product("linen-shirt");  // cached before the changes

  const auto before = f.version(f.product_id);
  const auto moved = f.images.update_image(f.product_id, c.id, ImageUpdate{std::nullopt, 0});
  CHECK(moved.position == 0);
  CHECK(moved.alt == "c");
  const auto renamed = f.images.update_image(f.product_id, a.id, ImageUpdate{std::string("Side view"), std::nullopt});
  CHECK(renamed.alt == "Side view");
  CHECK(renamed.position == 0);
  CHECK(f.version(f.product_id) == before + 2);
  // Position 0 twice: ties go by id.
  auto product = f.catalog.get_product("linen-shirt");
  REQUIRE(product.images.size() == 3);
  CHECK(product.images[0].id == a.id);
  CHECK(product.images[0].alt == "Side view");
  CHECK(product.images[1].id == c.id);
  CHECK(product.images[2].id == b.id);

  CHECK(error_code_of([&] {
          f.images.update_image(f.product_id, a.id, ImageUpdate{std::nullopt, -1});
        }) == core::ErrorCode::unprocessable);
  CHECK(error_code_of([&] {
          f.images.update_image(f.product_id, a.id, ImageUpdate{std::string("\x01"), {}});
        }) == core::ErrorCode::unprocessable);
  CHECK(error_code_of([&] {
          f.images.update_image(f.other_id, a.id, ImageUpdate{std::string("x"), {}});
        }) == core::ErrorCode::not_found);
  CHECK(error_code_of([&] { f.images.delete_image(f.other_id, a.id); }) == core::ErrorCode::not_found);

  f.images.delete_image(f.product_id, c.id);
  CHECK_FALSE(f.disk.exists(c.path));
  CHECK(f.disk.exists(a.path));
  product = f.catalog.get_product("linen-shirt");
  REQUIRE(product.images.size() == 2);
  CHECK(product.images[1].id == b.id);
  CHECK(product.version == before + 3);
  CHECK(error_code_of([&] { f.images.delete_image(f.product_id, c.id); }) == core::ErrorCode::not_found);

  // The same file can be uploaded again after its delete.
  CHECK(f.images.add_image(f.product_id, tiny_png(12), "again").path == c.path);
}

// At most kMaxImagesPerProduct images per product.
inline void check_image_limit(db::Database& db) {
  ImageFixture f(db);
  for (std::int64_t i = 0; i < kMaxImagesPerProduct; ++i) {
    (void)f.images.add_image(f.product_id, tiny_png(static_cast<std::uint8_t>(i), 2, 2), "");
  }
  CHECK(error_code_of([&] { f.images.add_image(f.product_id, tiny_png(200, 2, 2), ""); }) ==
        core::ErrorCode::unprocessable);
  CHECK(files_below(f.dir.path() / "media") == static_cast<std::size_t>(kMaxImagesPerProduct));
}

// An upload wider than the srcset widths is stored with its smaller copies, which the refused
// upload and the delete take away with it.
inline void check_sized_copies(db::Database& db) {
  ImageFixture f(db);
  const auto media = f.dir.path() / "media";
  const auto wide = tiny_png(90, 1000, 600);
  const auto added = f.images.add_image(f.product_id, wide, "Wide");
  const auto stem = added.path.substr(0, added.path.size() - 4);  // without ".png"
  for (const auto& [width, height] : {std::pair{400, 240}, std::pair{800, 480}}) {
    const auto copy = f.disk.get(stem + "-" + std::to_string(width) + "w.png");
    REQUIRE(copy);
    const auto info = storage::inspect_image(*copy);
    CHECK(info.width == width);
    CHECK(info.height == height);
  }
  CHECK(files_below(media) == 3);
  // Too many images: refused, and neither the file nor its copies stay behind.
  for (std::int64_t i = 1; i < kMaxImagesPerProduct; ++i) {
    (void)f.images.add_image(f.product_id, tiny_png(static_cast<std::uint8_t>(i), 2, 2), "");
  }
  CHECK(error_code_of([&] { f.images.add_image(f.product_id, tiny_png(91, 1000, 600), ""); }) ==
        core::ErrorCode::unprocessable);
  CHECK(files_below(media) == static_cast<std::size_t>(kMaxImagesPerProduct) + 2);
  f.images.delete_image(f.product_id, added.id);
  CHECK_FALSE(f.disk.exists(added.path));
  CHECK_FALSE(f.disk.exists(stem + "-400w.png"));
  CHECK_FALSE(f.disk.exists(stem + "-800w.png"));
  CHECK(files_below(media) == static_cast<std::size_t>(kMaxImagesPerProduct) - 1);
}

}  // namespace ecom::catalog::test
