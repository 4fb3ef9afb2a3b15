// Product images: uploads checked by their real content (storage::inspect_image), stored through
// storage::Storage under "products/<product id>/<first 32 hex digits of the SHA-256>.<ext>", and
// recorded in product_images. The key names the bytes, so a file never changes once written and
// a CDN or browser may cache it forever.
//
// Every change bumps the product's version (and updated_at) in the same transaction and, after it
// commits, invalidates the product's cache tag ("product:<id>") and every listing ("listings"). A
// file is written before its row and removed after its row is gone, so a row never points at a
// missing file; a crash between the two can only leave an unreferenced file behind.
#pragma once

#include <ecom/cache/cache.hpp>
#include <ecom/catalog/types.hpp>
#include <ecom/db/database.hpp>
#include <ecom/storage/image.hpp>
#include <ecom/storage/storage.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::catalog {

inline constexpr std::size_t kMaxAltLength = 500;         // characters of alt text
inline constexpr std::int64_t kMaxImagesPerProduct = 50;  // more is a mistake, not a gallery
inline constexpr std::int64_t kMaxImagePosition = 10'000;

struct ImageUpdate {
  std::optional<std::string> alt;
  std::optional<std::int64_t> position;
};

class ImageService {
 public:
  // db, cache and storage must outlive the service.
  ImageService(db::Database& db, cache::Cache& cache, storage::Storage& storage, storage::ImageLimits limits = {});

  // Checks and stores an image and appends it after the product's last one. Errors: not_found for
  // an unknown product; inspect_image's (413, 415, 422 naming "image"); unprocessable naming "alt"
  // for alt text over kMaxAltLength characters or with control characters, "images" past
  // kMaxImagesPerProduct; conflict when the product already has the very same file. declared_type
  // (an upload's Content-Type, e.g. "image/png"), when given, must be the type the bytes are, else
  // unsupported_media naming "Content-Type".
  Image add_image(std::int64_t product_id, std::string_view bytes, const std::string& alt, std::string_view client = "",
                  std::string_view declared_type = {});
  // The product's images by position, then id; not_found for an unknown product. Read from the
  // primary: the admin reads what it just wrote.
  [[nodiscard]] std::vector<Image> list_images(std::int64_t product_id, std::string_view client = "");
  // Changes alt text and/or position (0..kMaxImagePosition, else unprocessable naming "position").
  // not_found when the image is not one of the product's.
  Image update_image(std::int64_t product_id, std::int64_t image_id, const ImageUpdate& update,
                     std::string_view client = "");
  // Removes the row, then the file. not_found when the image is not one of the product's.
  void delete_image(std::int64_t product_id, std::int64_t image_id, std::string_view client = "");

 private:
  void invalidate(std::int64_t product_id);

  db::Database& db_;
  cache::Cache& cache_;
  storage::Storage& storage_;
  storage::ImageLimits limits_;
};

}  // namespace ecom::catalog
