// The catalog module: products, variants, categories and attributes, read by the storefront and
// written by the admin (and by tests until the admin exists).
//
// Reads are cache-aside (cache::get_or_load): a product under the tag "product:<id>", the
// category tree under "categories". Every write runs in one db.transact and, after it commits,
// invalidates exactly the tags of what it changed, so every process sees the change on its next
// read. Reads use Consistency::any (a replica unless the client just wrote).
//
// Listings are newest first with the id as the tie-break, paged by an opaque cursor: the last
// row's (created_at, id), signed with HMAC-SHA-256 so a client cannot forge or alter one (a bad
// cursor is core::Error bad_request naming "cursor").
#pragma once

#include <ecom/cache/cache.hpp>
#include <ecom/catalog/types.hpp>
#include <ecom/db/database.hpp>
#include <ecom/platform/config.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::catalog {

struct CatalogOptions {
  // Key for signing listing cursors (catalog.cursor_secret, from ECOM_CATALOG_CURSOR_SECRET only).
  // Empty: a random key per process, so cursors do not survive a restart or reach another process.
  std::string cursor_secret;
  std::chrono::milliseconds cache_ttl{std::chrono::minutes(5)};
};

// Declares catalog.cursor_secret (a secret) and reads it back.
void declare_config(config::Schema& schema);
[[nodiscard]] CatalogOptions options_from(const config::Config& config);

struct ListQuery {
  std::optional<std::string> category;  // slug; the listing includes its sub-categories
  int limit = 24;                       // 1..100
  std::optional<std::string> cursor;    // next_cursor of the previous page
};

inline constexpr int kMaxListLimit = 100;

struct NewCategory {
  std::string slug;
  std::string name;
  std::optional<std::string> parent_slug;
  std::int64_t position = 0;
};

struct NewProduct {
  std::string slug;
  std::string title;
  std::string description;
  ProductStatus status = ProductStatus::draft;
  std::string seo_title;
  std::string seo_description;
  std::vector<std::string> category_slugs;
  std::vector<Attribute> attributes;
};

struct NewVariant {
  std::string sku;
  std::string title;
  std::vector<std::pair<std::string, std::string>> options;
  Money price;
  std::optional<Money> compare_at;
  std::int64_t weight_grams = 0;
  std::int64_t on_hand = 0;
};

class CatalogService {
 public:
  // db and cache must outlive the service. Logs a warning when options has no cursor secret.
  CatalogService(db::Database& db, cache::Cache& cache, CatalogOptions options = {});

  // An active product with its variants, categories and attributes. not_found when the slug is
  // unknown or the product is not active.
  [[nodiscard]] Product get_product(std::string_view slug, std::string_view client = "");
  // The whole tree: root categories, each with its children.
  [[nodiscard]] std::vector<Category> category_tree(std::string_view client = "");
  // One category with its sub-tree; not_found when unknown.
  [[nodiscard]] Category get_category(std::string_view slug, std::string_view client = "");
  // Active products, newest first. bad_request naming "limit", "cursor" or "category" for a limit
  // out of 1..100, a malformed or tampered cursor, or an unknown category.
  [[nodiscard]] ProductPage list_products(const ListQuery& query, std::string_view client = "");

  // Writes (admin, tests). unprocessable naming the field for a bad value or an unknown reference;
  // a duplicate slug or SKU is conflict.
  Category create_category(const NewCategory& category, std::string_view client = "");
  std::int64_t create_product(const NewProduct& product, std::string_view client = "");
  std::int64_t add_variant(std::int64_t product_id, const NewVariant& variant, std::string_view client = "");
  // not_found when the variant does not exist.
  void set_variant_price(std::int64_t variant_id, const Money& price, const std::optional<Money>& compare_at,
                         std::string_view client = "");
  // not_found when the product does not exist.
  void set_product_status(std::int64_t product_id, ProductStatus status, std::string_view client = "");

 private:
  db::Database& db_;
  cache::Cache& cache_;
  CatalogOptions options_;
  std::string cursor_key_;
};

}  // namespace ecom::catalog
