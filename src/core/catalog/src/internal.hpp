// What the catalog's services share (CatalogService for the storefront, the admin's writes, the
// seed): validation, cache tags and loading rows into the public types. Private to the module.
#pragma once

#include <ecom/catalog/catalog.hpp>
#include <ecom/catalog/types.hpp>
#include <ecom/db/database.hpp>
#include <ecom/platform/error.hpp>

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecom::catalog::detail {

// Cache keys and tags. A product is cached under "product:<id>"; the category tree under
// "categories".
inline constexpr const char* kCategoriesTag = "categories";
inline constexpr const char* kTreeKey = "catalog:categories";
// Every cached listing page (list_products) carries this tag: any change to what a listing can
// show (a product's title, status, price, stock, categories, attributes or images) invalidates
// them all, since which cached pages hold a product is not known.
inline constexpr const char* kListingsTag = "listings";
[[nodiscard]] std::string product_tag(std::int64_t id);
// What is cached by a product's slug (its id, its rendered views): invalidated when the slug
// changes or the product goes.
[[nodiscard]] std::string product_slug_tag(std::string_view slug);

// Microseconds since the Unix epoch (UTC), the unit of created_at and updated_at.
[[nodiscard]] std::int64_t now_us();

// Slugs appear in URLs and cache keys: lower-case letters, digits and single dashes, at most 120.
[[nodiscard]] bool valid_slug(std::string_view slug);
// Why a price's currency was refused: the code is not in money's ISO 4217 table.
inline constexpr std::string_view kCurrencyReason = "must be an active ISO 4217 currency code, such as EUR";

// unprocessable naming the field.
[[nodiscard]] core::Error invalid(std::string field, std::string reason);
// unprocessable naming "price" / "compare_at_price" for a negative amount or a compare-at price in
// another currency, and "price.currency" / "compare_at_price.currency" for a currency not in the ISO 4217 table.
void check_money(const Money& money, const std::string& field);
void check_prices(const Money& price, const std::optional<Money>& compare_at);

// Runs a "SELECT id ... WHERE slug = :slug" query; nullopt when no row.
[[nodiscard]] std::optional<long long> find_id(soci::session& sql, const char* query, const std::string& slug);

// A product with its variants, categories and attributes. not_found when there is no such product,
// or (active_only) when it is not active.
[[nodiscard]] Product load_product(soci::session& sql, long long id, bool active_only = true);
// A product's images by position, then id, through one prepared statement reused from product to
// product (a listing asks for each card's first image, a product page for them all).
class ImageQuery {
 public:
  // first_only: at most one image per product.
  ImageQuery(soci::session& sql, bool first_only);
  ImageQuery(const ImageQuery&) = delete;
  ImageQuery& operator=(const ImageQuery&) = delete;
  [[nodiscard]] std::vector<Image> images_of(long long product_id);

 private:
  long long product_id_ = 0;
  Image row_;
  long long id_ = 0;
  long long width_ = 0;
  long long height_ = 0;
  long long position_ = 0;
  soci::statement statement_;
};

// Puts a filtered attribute's own values (counted without its own filter) into facets, replacing
// what the unfiltered count gave it, or adding the attribute in name order.
void set_attribute_facet(Facets& facets, const std::string& name, std::vector<FacetValue> values);

// The whole category tree, children by position, then name.
[[nodiscard]] std::vector<Category> load_tree(soci::session& sql);
// Depth-first search of a tree; nullptr when absent.
[[nodiscard]] const Category* find_category(const std::vector<Category>& nodes, std::string_view slug);

// One variant as it is stored: the one row type every writer of variants fills (the admin, the
// CSV import, the seed), bound by one function for each statement.
struct VariantRow {
  long long product_id = 0;
  std::string sku;
  std::string title;
  std::string options;  // a JSON object (options_to_text)
  long long price = 0;
  std::optional<long long> compare_at;  // in the price's currency
  std::string currency;
  long long weight_grams = 0;
  long long on_hand = 0;
};
[[nodiscard]] VariantRow variant_row(long long product_id, const NewVariant& variant);

// Reads variant rows: the statement's columns are (key, sku, title, options, price_amount,
// compare_at_amount, currency, weight_grams, on_hand), the key being the variant's id or its
// product's; each fetch() fills key and row. product_id, when given, is bound as :product_id.
class VariantReader {
 public:
  VariantReader(soci::session& sql, const char* query, const long long* product_id = nullptr);
  VariantReader(const VariantReader&) = delete;
  VariantReader& operator=(const VariantReader&) = delete;
  [[nodiscard]] bool fetch();
  [[nodiscard]] long long key() const noexcept { return key_; }
  [[nodiscard]] const VariantRow& row() const noexcept { return row_; }

 private:
  long long key_ = 0;
  VariantRow row_;
  long long compare_at_ = 0;
  soci::indicator compare_at_ind_ = soci::i_null;
  soci::statement statement_;
};

// Inserts rows in one statement, in their order (ids come from the table's sequence). SQLite binds
// each column as a vector (SOCI's bulk binding); PostgreSQL binds each as one array and unnests
// them, since SOCI's bulk binding there costs a round trip per row (most of a minute for the
// seed's 100,000 products).
void insert_variants(soci::session& sql, db::Backend backend, const std::vector<VariantRow>& rows);
// Rewrites every column of variant id (but product_id) from row.
void update_variant(soci::session& sql, long long id, const VariantRow& row);

// PostgreSQL array literals for binding a column as one value: texts quoted, with backslash and
// double quote escaped; a null where nulls says so.
[[nodiscard]] std::string pg_array(const std::vector<std::string>& values);
[[nodiscard]] std::string pg_array(const std::vector<long long>& values,
                                   const std::vector<soci::indicator>* nulls = nullptr);

// The catalog's unique constraints, by the name db::UniqueViolation gives them (PostgreSQL's
// default names; migrations/*/0003_catalog.sql and 0005_product_images.sql).
inline constexpr const char* kProductSlugKey = "products_slug_key";
inline constexpr const char* kVariantSkuKey = "variants_sku_key";
inline constexpr const char* kCategorySlugKey = "categories_slug_key";
inline constexpr const char* kImagePathKey = "product_images_product_id_path_key";

// The conflict (409) for a value a unique constraint guards, naming its field ("slug", "sku",
// "image"). Both the checks before a write and a write that lost a race afterwards (a UniqueViolation
// from db) answer with it. A constraint the catalog does not know keeps db's generic message.
[[nodiscard]] core::Error taken(std::string_view constraint);

// db::Database::transact, with a unique violation turned into taken(its constraint).
template <typename Fn>
auto write(db::Database& db, std::string_view client, Fn&& fn) {
  try {
    return db.transact(client, std::forward<Fn>(fn));
  } catch (const db::UniqueViolation& e) {
    throw taken(e.constraint());
  }
}

}  // namespace ecom::catalog::detail
