// The catalog as staff manage it (the admin API): products of every status, their variants, the
// category tree, and bulk CSV import and export.
//
// Optimistic concurrency: every change to a product (its fields, status, variants) names the
// version it was based on (expected_version, from If-Match); when the product has moved on since,
// the change is refused with precondition_failed (412) and nothing is written, so two staff editing
// one product never silently overwrite each other. Each successful change bumps the version by one
// and returns the product as it now is.
//
// Every write runs in one db.transact and, after it commits, invalidates exactly the cache tags of
// what it changed ("product:<id>", "product-slug:<slug>" when a slug changes or goes, "categories",
// and "listings" whenever a listing could show something else), so every storefront process shows
// the change on its next request (in the embedded default within one invalidation poll).
//
// A duplicate slug or SKU is conflict (409), also for a writer that loses a race between its
// check and its insert.
#pragma once

#include <ecom/cache/cache.hpp>
#include <ecom/catalog/catalog.hpp>
#include <ecom/catalog/types.hpp>
#include <ecom/db/database.hpp>
#include <ecom/platform/error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::catalog {

struct AdminListQuery {
  // Matches the title, slug or a variant's SKU, case-insensitively, as a substring (LIKE with the
  // wildcards in the text escaped). At most 200 characters.
  std::optional<std::string> q;
  std::optional<ProductStatus> status;
  int limit = 50;                     // 1..200
  std::optional<std::int64_t> after;  // the previous page's next_after: products with a larger id
};

inline constexpr int kMaxAdminListLimit = 200;

struct AdminProductRow {
  std::int64_t id = 0;
  std::string slug;
  std::string title;
  ProductStatus status = ProductStatus::draft;
  std::int64_t version = 1;
  std::int64_t updated_at_us = 0;
  std::int64_t variant_count = 0;
};

struct AdminProductPage {
  std::vector<AdminProductRow> items;      // by id
  std::optional<std::int64_t> next_after;  // absent on the last page
};

// A partial change of a product's own fields: only what is set changes. categories and attributes
// replace the whole list when set.
struct ProductChanges {
  std::optional<std::string> slug;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<ProductStatus> status;
  std::optional<std::string> seo_title;
  std::optional<std::string> seo_description;
  std::optional<std::vector<std::string>> category_slugs;
  std::optional<std::vector<Attribute>> attributes;
};

// A partial change of a variant. compare_at: set to nullopt inside to remove it.
struct VariantChanges {
  std::optional<std::string> sku;
  std::optional<std::string> title;
  std::optional<std::vector<std::pair<std::string, std::string>>> options;
  std::optional<Money> price;
  std::optional<std::optional<Money>> compare_at;
  std::optional<std::int64_t> weight_grams;
  std::optional<std::int64_t> on_hand;
};

// A partial change of a category. parent_slug: set to nullopt inside to make it a root.
struct CategoryChanges {
  std::optional<std::string> slug;
  std::optional<std::string> name;
  std::optional<std::optional<std::string>> parent_slug;
  std::optional<std::int64_t> position;
};

// One problem of a CSV import: the CSV record (1-based; the header is row 1) and column.
struct ImportProblem {
  std::size_t row = 0;
  std::string column;
  std::string message;
};

// An import refused as a whole (nothing was written): unprocessable (422), with every problem
// found (at most kMaxImportProblems; the message says when there were more).
class ImportError : public core::Error {
 public:
  explicit ImportError(std::vector<ImportProblem> problems, bool truncated);
  [[nodiscard]] const std::vector<ImportProblem>& problems() const noexcept { return problems_; }

 private:
  std::vector<ImportProblem> problems_;
};

inline constexpr std::size_t kMaxImportRows = 100'000;
inline constexpr std::size_t kMaxImportProblems = 1000;

struct ImportReport {
  std::size_t rows = 0;  // data rows (without the header)
  std::size_t products_created = 0;
  std::size_t products_updated = 0;
  std::size_t variants_created = 0;
  std::size_t variants_updated = 0;
};

// The CSV columns, in export order. One row per variant, the product's columns repeated on each of
// its rows; a product without variants has one row with empty variant columns.
//   slug, title, description, status, seo_title, seo_description: the product
//   categories: category slugs separated by "|"
//   attributes: name=value pairs separated by "|" (a name holds no "=" or "|", a value no "|")
//   sku, variant_title: the variant
//   options: name=value pairs separated by "|", as attributes
//   price, compare_at_price: integer minor units (compare_at_price may be empty)
//   currency: ISO 4217
//   weight_grams, on_hand: integers >= 0
[[nodiscard]] const std::vector<std::string>& csv_columns();

class CatalogAdmin {
 public:
  // db and cache must outlive the admin.
  CatalogAdmin(db::Database& db, cache::Cache& cache);

  // Products of every status. bad_request naming "limit" or "q".
  [[nodiscard]] AdminProductPage list_products(const AdminListQuery& query, std::string_view client = "");
  // Any status; not_found when unknown. Reads the primary (staff read what they just wrote).
  [[nodiscard]] Product get_product(std::int64_t id, std::string_view client = "");

  // unprocessable naming the field for a bad value or an unknown category; conflict for a slug in
  // use. Returns the product as stored (version 1).
  Product create_product(const NewProduct& product, std::string_view client = "");
  // not_found when unknown; precondition_failed when expected_version is not the current version.
  Product update_product(std::int64_t id, const ProductChanges& changes, std::int64_t expected_version,
                         std::string_view client = "");
  Product set_status(std::int64_t id, ProductStatus status, std::int64_t expected_version,
                     std::string_view client = "");
  void delete_product(std::int64_t id, std::int64_t expected_version, std::string_view client = "");

  // Variant writes change the product's version too. not_found for an unknown product or a
  // variant of another product; conflict for a SKU in use.
  Product add_variant(std::int64_t product_id, const NewVariant& variant, std::int64_t expected_version,
                      std::string_view client = "");
  Product update_variant(std::int64_t product_id, std::int64_t variant_id, const VariantChanges& changes,
                         std::int64_t expected_version, std::string_view client = "");
  Product delete_variant(std::int64_t product_id, std::int64_t variant_id, std::int64_t expected_version,
                         std::string_view client = "");

  // The whole tree, read from the primary.
  [[nodiscard]] std::vector<Category> category_tree(std::string_view client = "");
  Category create_category(const NewCategory& category, std::string_view client = "");
  // Rename, re-slug, move (unprocessable naming "parent" when the new parent is the category
  // itself or one of its descendants) or re-order. not_found when unknown.
  Category update_category(std::int64_t id, const CategoryChanges& changes, std::string_view client = "");
  // conflict while the category has sub-categories or products: staff move or remove those first,
  // so no product silently loses its place in the tree.
  void delete_category(std::int64_t id, std::string_view client = "");

  // Creates or updates products (by slug) and variants (by SKU) from CSV (see csv_columns; the
  // header names the columns, in any order; slug and title are required, the rest optional).
  // Variants and categories absent from the file are left alone. Every row and column is checked
  // before anything is written; any problem throws ImportError listing them all and writes
  // nothing. All rows are written in one transaction.
  ImportReport import_csv(std::string_view text, std::string_view client = "");
  // Every product of every status, by id, its variants by id, in csv_columns() order.
  [[nodiscard]] std::string export_csv(std::string_view client = "");

 private:
  db::Database& db_;
  cache::Cache& cache_;
};

}  // namespace ecom::catalog
