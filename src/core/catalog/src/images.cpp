// Product images: see images.hpp. Each write locks the product row first (the version bump), so
// concurrent uploads to one product queue instead of racing for positions or the image limit.
#include "internal.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/catalog/images.hpp>
#include <ecom/catalog/json.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>
#include <ecom/storage/resize.hpp>
#include <ecom/storage/sizes.hpp>

#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <exception>
#include <openssl/evp.h>

namespace ecom::catalog {
namespace {

// The audit entry of a change to an image (its id and stored path) of a product.
void audit_image(soci::session& sql, std::string action, const Image* before, const Image* after) {
  const auto& i = after != nullptr ? *after : *before;
  audit::record(sql, audit::Change{std::move(action), "image", std::to_string(i.id), i.path,
                                   before != nullptr ? to_json(*before) : boost::json::value(nullptr),
                                   after != nullptr ? to_json(*after) : boost::json::value(nullptr)});
}

using core::Error;
using core::ErrorCode;

constexpr const char* kBumpProduct =
    "UPDATE products SET version = version + 1, updated_at = :now WHERE id = :id RETURNING id";
constexpr const char* kProductExists = "SELECT id FROM products WHERE id = :id";
constexpr const char* kImageStats =
    "SELECT COUNT(*), COALESCE(MAX(position), -1) FROM product_images WHERE product_id = :product_id";
constexpr const char* kFindByPath = "SELECT id FROM product_images WHERE product_id = :product_id AND path = :path";
constexpr const char* kInsertImage =
    "INSERT INTO product_images (product_id, path, alt, width, height, position, created_at) "
    "VALUES (:product_id, :path, :alt, :width, :height, :position, :created_at) RETURNING id";
constexpr const char* kSelectImage =
    "SELECT path, alt, width, height, position FROM product_images WHERE id = :id AND product_id = :product_id";
constexpr const char* kSelectImages =
    "SELECT id, path, alt, width, height, position FROM product_images WHERE product_id = :product_id "
    "ORDER BY position, id";
constexpr const char* kUpdateImage = "UPDATE product_images SET alt = :alt, position = :position WHERE id = :id";
constexpr const char* kDeleteImage = "DELETE FROM product_images WHERE id = :id";
// A no-op write: it takes the product row's lock on PostgreSQL (SQLite locks the whole file anyway).
constexpr const char* kLockProduct = "UPDATE products SET version = version WHERE id = :id";
constexpr const char* kCountByPath =
    "SELECT COUNT(*) FROM product_images WHERE product_id = :product_id AND path = :path";

// 128 bits of the content's SHA-256: collisions are out of reach, and keys stay short.
constexpr std::size_t kHashHexDigits = 32;

std::string sha256_prefix(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw Error(ErrorCode::internal, "Hashing failed.");
  }
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length && out.size() < kHashHexDigits; ++i) {
    out += kHex[digest[i] >> 4U];
    out += kHex[digest[i] & 0x0FU];
  }
  return out;
}

void check_alt(const std::string& alt) {
  // UTF-8 characters: every byte but continuation bytes starts one.
  const auto chars =
      std::count_if(alt.begin(), alt.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; });
  if (static_cast<std::size_t>(chars) > kMaxAltLength) {
    throw detail::invalid("alt", "at most " + std::to_string(kMaxAltLength) + " characters");
  }
  if (std::any_of(alt.begin(), alt.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
    throw detail::invalid("alt", "must not contain control characters");
  }
}

void check_position(std::int64_t position) {
  if (position < 0 || position > kMaxImagePosition) {
    throw detail::invalid("position", "must be from 0 to " + std::to_string(kMaxImagePosition));
  }
}

// Locks the product row (PostgreSQL) and records the change; not_found when there is no product.
void bump_product(soci::session& sql, long long product_id) {
  const long long now = detail::now_us();
  long long touched = 0;
  sql << kBumpProduct, soci::use(now, "now"), soci::use(product_id, "id"), soci::into(touched);
  if (!sql.got_data()) {
    throw Error(ErrorCode::not_found, "No such product.");
  }
}

// Cleanup that must not hide the error being handled, or fail a change that has committed.
void remove_quietly(storage::Storage& store, const std::string& key) {
  try {
    store.remove(key);
  } catch (const std::exception& e) {
    log::warn("could not remove an image file", {{"key", key}, {"error", e.what()}});
  }
}

// The file and its smaller copies (sizes.hpp), whether or not they were ever written.
void remove_with_copies(storage::Storage& store, const std::string& key, std::int64_t width) {
  for (const auto& candidate : storage::size_candidates(key, width)) {
    remove_quietly(store, candidate.key);
  }
}

Error no_such_image() {
  return Error(ErrorCode::not_found, "No such image.");
}

}  // namespace

ImageService::ImageService(db::Database& db, cache::Cache& cache, storage::Storage& storage,
                           storage::ImageLimits limits)
    : db_(db), cache_(cache), storage_(storage), limits_(limits) {}

Image ImageService::add_image(std::int64_t product_id, std::string_view bytes, const std::string& alt,
                              std::string_view client, std::string_view declared_type) {
  check_alt(alt);
  const auto info = storage::inspect_image(bytes, limits_);
  if (!declared_type.empty() && declared_type != storage::mime_type(info.type)) {
    const auto reason =
        "the file is " + std::string(storage::mime_type(info.type)) + ", not " + std::string(declared_type);
    throw Error(ErrorCode::unsupported_media, "The upload's Content-Type does not match the file: " + reason + ".",
                {core::FieldError{"Content-Type", reason}});
  }
  Image image;
  image.path = "products/" + std::to_string(product_id) + "/" + sha256_prefix(bytes) + "." +
               std::string(storage::extension(info.type));
  image.alt = alt;
  image.width = info.width;
  image.height = info.height;
  // Decoding and scaling cost tens of milliseconds: done before the product is locked.
  const auto copies = storage::sized_copies(image.path, bytes, info);

  const long long pid = product_id;
  db_.transact(client, [&](soci::session& sql) {
    // The product row stays locked until the end of the transaction (SQLite: the whole database),
    // so the file checks and writes below never interleave with another change to this product.
    bump_product(sql, pid);
    long long count = 0;
    long long last_position = 0;
    sql << kImageStats, soci::use(pid, "product_id"), soci::into(count), soci::into(last_position);
    if (count >= kMaxImagesPerProduct) {
      throw detail::invalid("images", "a product has at most " + std::to_string(kMaxImagesPerProduct) + " images");
    }
    long long duplicate = 0;
    sql << kFindByPath, soci::use(pid, "product_id"), soci::use(image.path, "path"), soci::into(duplicate);
    if (sql.got_data()) {
      throw Error(ErrorCode::conflict, "The product already has this image.",
                  {core::FieldError{"image", "the same file is image " + std::to_string(duplicate)}});
    }
    // Written before the row so that no committed row points at a missing file. A file already
    // there has no row (checked above): left over from a crash, with these very bytes (the key is
    // their hash), so it is reused.
    const bool existed = storage_.exists(image.path);
    try {
      if (!existed) {
        storage_.put(image.path, bytes);
      }
      for (const auto& copy : copies) {
        storage_.put(copy.key, copy.bytes);
      }
      const long long position = std::min<long long>(last_position + 1, kMaxImagePosition);
      const long long width = image.width;
      const long long height = image.height;
      const long long created = detail::now_us();
      long long id = 0;
      sql << kInsertImage, soci::use(pid, "product_id"), soci::use(image.path, "path"), soci::use(image.alt, "alt"),
          soci::use(width, "width"), soci::use(height, "height"), soci::use(position, "position"),
          soci::use(created, "created_at"), soci::into(id);
      image.id = id;
      image.position = position;
      audit_image(sql, "image.create", nullptr, &image);
    } catch (...) {
      if (!existed) {
        remove_with_copies(storage_, image.path, image.width);
      }
      throw;
    }
  });
  invalidate(product_id);
  return image;
}

std::vector<Image> ImageService::list_images(std::int64_t product_id, std::string_view client) {
  const long long pid = product_id;
  return db_.read(client, db::Consistency::strong, [pid](soci::session& sql) {
    long long found = 0;
    sql << kProductExists, soci::use(pid, "id"), soci::into(found);
    if (!sql.got_data()) {
      throw Error(ErrorCode::not_found, "No such product.");
    }
    std::vector<Image> images;
    Image image;
    long long id = 0;
    long long width = 0;
    long long height = 0;
    long long position = 0;
    soci::statement st = (sql.prepare << kSelectImages, soci::into(id), soci::into(image.path), soci::into(image.alt),
                          soci::into(width), soci::into(height), soci::into(position), soci::use(pid, "product_id"));
    st.execute();
    while (st.fetch()) {
      image.id = id;
      image.width = width;
      image.height = height;
      image.position = position;
      images.push_back(image);
    }
    return images;
  });
}

Image ImageService::update_image(std::int64_t product_id, std::int64_t image_id, const ImageUpdate& update,
                                 std::string_view client) {
  if (update.alt) {
    check_alt(*update.alt);
  }
  if (update.position) {
    check_position(*update.position);
  }
  const long long pid = product_id;
  const long long iid = image_id;
  Image image = db_.transact(client, [&](soci::session& sql) {
    Image current;
    current.id = iid;
    long long width = 0;
    long long height = 0;
    long long position = 0;
    sql << kSelectImage, soci::use(iid, "id"), soci::use(pid, "product_id"), soci::into(current.path),
        soci::into(current.alt), soci::into(width), soci::into(height), soci::into(position);
    if (!sql.got_data()) {
      throw no_such_image();
    }
    bump_product(sql, pid);
    current.width = width;
    current.height = height;
    current.position = position;
    const Image before = current;
    current.alt = update.alt.value_or(current.alt);
    const long long new_position = update.position.value_or(position);
    current.position = new_position;
    sql << kUpdateImage, soci::use(current.alt, "alt"), soci::use(new_position, "position"), soci::use(iid, "id");
    audit_image(sql, "image.update", &before, &current);
    return current;
  });
  invalidate(product_id);
  return image;
}

void ImageService::delete_image(std::int64_t product_id, std::int64_t image_id, std::string_view client) {
  const long long pid = product_id;
  const long long iid = image_id;
  std::string path;
  long long width = 0;
  db_.transact(client, [&](soci::session& sql) {
    std::string alt;
    long long height = 0;
    long long position = 0;
    sql << kSelectImage, soci::use(iid, "id"), soci::use(pid, "product_id"), soci::into(path), soci::into(alt),
        soci::into(width), soci::into(height), soci::into(position);
    if (!sql.got_data()) {
      throw no_such_image();
    }
    bump_product(sql, pid);
    sql << kDeleteImage, soci::use(iid, "id");
    Image before;
    before.id = iid;
    before.path = path;
    before.alt = alt;
    before.width = width;
    before.height = height;
    before.position = position;
    audit_image(sql, "image.delete", &before, nullptr);
  });
  invalidate(product_id);
  // Keys under "products/<id>/" belong to that product alone; seeded rows share the placeholder
  // files, which stay. The file goes after the row has committed, in a transaction of its own that
  // locks the product again: an upload of the same bytes cannot slip in between the check and the
  // removal. A failure only leaves an unreferenced file behind; the delete itself succeeded.
  if (!path.starts_with("products/")) {
    return;
  }
  try {
    db_.transact(client, [&](soci::session& sql) {
      sql << kLockProduct, soci::use(pid, "id");
      long long users = 0;
      sql << kCountByPath, soci::use(pid, "product_id"), soci::use(path, "path"), soci::into(users);
      if (users == 0) {
        remove_with_copies(storage_, path, width);
      }
    });
  } catch (const std::exception& e) {
    log::warn("could not remove the file of a deleted image", {{"key", path}, {"error", e.what()}});
  }
}

void ImageService::invalidate(std::int64_t product_id) {
  cache_.invalidate_tag(detail::product_tag(product_id));
  cache_.invalidate_tag(detail::kListingsTag);
}

}  // namespace ecom::catalog
