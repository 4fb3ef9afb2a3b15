// The catalog module: products, variants, categories and attributes, read by the storefront and
// written by the admin (CatalogAdmin, admin.hpp: the one write path; tests write through it too).
//
// Reads are cache-aside (cache::get_or_load): a product under the tag "product:<id>", the
// category tree under "categories"; rendered product views are also kept near (in process memory,
// cached_product_view). Every write runs in one db.transact and, after it commits,
// invalidates exactly the tags of what it changed, so every process sees the change on its next
// read. Reads use Consistency::any (a replica unless the client just wrote).
//
// Listings are newest first by default (ListSort) with the id as the tie-break, paged by an opaque
// cursor: the last row's (sort key, id), signed with HMAC-SHA-256 so a client cannot forge or alter
// one (a bad cursor, or one from another sort, search or filter, is core::Error bad_request naming
// "cursor").
//
// A listing with a search text (ListQuery::q) matches the product title and description by full-text
// search (PostgreSQL: a weighted tsvector with a GIN index, ranked by ts_rank; SQLite: FTS5, ranked
// by bm25), best match first by default; relevance pages by an offset kept in the cursor.
#pragma once

#include <ecom/cache/cache.hpp>
#include <ecom/catalog/stock.hpp>
#include <ecom/catalog/types.hpp>
#include <ecom/db/database.hpp>
#include <ecom/platform/config.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::catalog {

namespace detail {
class SearchIndexHolder;
}

// The in-process search and facet index (PostgreSQL only; see src/search_index.hpp). off: every
// listing is SQL. background: listings come from the index while it is fresh; after a catalog
// write a fresh one is built on a thread of its own and SQL answers meanwhile. synchronous: the
// request that finds the index stale rebuilds it (tests, tools).
enum class SearchIndexMode { off, background, synchronous };

struct CatalogOptions {
  // Key for signing listing cursors (catalog.cursor_secret, from ECOM_CATALOG_CURSOR_SECRET only).
  // Empty: a random key per process, so cursors do not survive a restart or reach another process.
  std::string cursor_secret;
  std::chrono::milliseconds cache_ttl{std::chrono::minutes(5)};
  // Listing pages (catalog.listing_ttl_ms); zero: not cached. Any catalog write invalidates every
  // cached listing (tag "listings"), so the TTL only bounds memory and a missed invalidation.
  std::chrono::milliseconds listing_ttl{std::chrono::minutes(1)};
  // catalog.search_index ("background" or "off"); off here so that tests and tools choose it.
  SearchIndexMode search_index = SearchIndexMode::off;
};

// Declares catalog.cursor_secret (a secret), catalog.listing_ttl_ms and catalog.search_index, and
// reads them back.
void declare_config(config::Schema& schema);
[[nodiscard]] CatalogOptions options_from(const config::Config& config);

// Listing orders. Ties go by id. relevance needs a search (q); price sorts use the cheapest
// variant's amount (products without variants come last either way).
enum class ListSort { relevance, newest, price_asc, price_desc, name };

// "relevance", "newest", "price_asc", "price_desc", "name"; nullopt for anything else.
[[nodiscard]] std::optional<ListSort> parse_sort(std::string_view text);

struct ListQuery {
  std::optional<std::string> category;  // slug; the listing includes its sub-categories
  int limit = 24;                       // 1..100
  std::optional<std::string> cursor;    // next_cursor of the previous page
  // Full-text search: words of letters and digits, the last one also as a prefix ("sne" finds
  // "sneaker"); every other character separates words. Best match first.
  std::optional<std::string> q;
  // Default: relevance with q, newest without.
  std::optional<ListSort> sort;
  // The cheapest variant's amount within [min_price, max_price] (minor units; products without
  // variants never match a price filter).
  std::optional<std::int64_t> min_price;
  std::optional<std::int64_t> max_price;
  // true: some variant has on_hand > 0; false: none has.
  std::optional<bool> in_stock;
  // Attribute filters: the product has the named attribute with any of the values; all names must
  // match. At most kMaxAttributeFilters names of at most kMaxAttributeValues values each.
  std::vector<std::pair<std::string, std::vector<std::string>>> attributes;
  // Also count facets (ProductPage::facets) over all matches.
  bool facets = false;
};

inline constexpr int kMaxListLimit = 100;
inline constexpr std::size_t kMaxSearchLength = 200;  // characters of ListQuery::q
inline constexpr std::size_t kMaxSearchWords = 10;
inline constexpr std::size_t kMaxAttributeFilters = 4;
inline constexpr std::size_t kMaxAttributeValues = 8;

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
  // stock: where product reads take each variant's quantity (null: variant_on_hand(db)).
  CatalogService(db::Database& db, cache::Cache& cache, CatalogOptions options = {},
                 std::shared_ptr<const StockReader> stock = nullptr);
  ~CatalogService();
  CatalogService(const CatalogService&) = delete;
  CatalogService& operator=(const CatalogService&) = delete;

  // An active product with its variants (their quantities from the StockReader), categories and
  // attributes. not_found when the slug is unknown or the product is not active.
  [[nodiscard]] Product get_product(std::string_view slug, std::string_view client = "");
  // What render makes of the active product (a rendered page), cached like the product itself:
  // under the product's tag and the category tree's (a page shows the tree in its breadcrumb), so
  // any change to either renders it again. view names the view and its parameters
  // ("page:v12"); only what render returned is cached (a render that throws caches nothing), so
  // a view parameter that render refuses cannot fill the cache. not_found like get_product.
  // A view read from the cache keeps a near copy in this process (cache::Cache::get_near).
  [[nodiscard]] std::string product_view(std::string_view slug, const std::string& view,
                                         const std::function<std::string(const Product&)>& render,
                                         std::string_view client = "");
  // The same view from process memory only (cache::Cache::peek): never blocks, so an HTTP I/O
  // thread may call it. Nothing for a miss, or a slug product_view would refuse: the caller then
  // calls product_view, which gives the one answer for every case but a plain hit.
  [[nodiscard]] std::optional<std::string> cached_product_view(std::string_view slug, const std::string& view);
  // A document made from the whole catalog (the sitemap): what render returns, cached under name
  // until any catalog write (the listings and categories tags every writer invalidates), so it is
  // computed once per change, not once per request.
  [[nodiscard]] std::string catalog_view(std::string_view name, const std::function<std::string()>& render);

  // The whole tree: root categories, each with its children.
  [[nodiscard]] std::vector<Category> category_tree(std::string_view client = "");
  // One category with its sub-tree; not_found when unknown.
  [[nodiscard]] Category get_category(std::string_view slug, std::string_view client = "");
  // Active products in the query's sort. bad_request naming "limit", "cursor", "category", "q" or
  // "sort" for a limit out of 1..100, a malformed or tampered cursor (or one from another sort,
  // search or category), an unknown category, a q without letters or digits, longer than 200
  // characters or of more than 10 words, or sort relevance without q; "min_price"/"max_price" for a
  // negative bound (both for a reversed range); "attr.<name>" for too many attribute filters or
  // values.
  [[nodiscard]] ProductPage list_products(const ListQuery& query, std::string_view client = "");

  // True while an in-process search index is fresh and answers listings (never without one); for
  // tests and operators.
  [[nodiscard]] bool search_index_ready();

 private:
  std::int64_t product_id(std::string_view slug, std::string_view client);
  Product product_by_id(std::int64_t id, std::string_view client);

  db::Database& db_;
  cache::Cache& cache_;
  CatalogOptions options_;
  std::string cursor_key_;
  std::shared_ptr<const StockReader> stock_;
  std::unique_ptr<detail::SearchIndexHolder> search_index_;  // null: off, or not PostgreSQL
};

}  // namespace ecom::catalog
