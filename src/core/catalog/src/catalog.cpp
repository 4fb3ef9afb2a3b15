#include "codec.hpp"
#include "cursor.hpp"
#include "internal.hpp"
#include "page_codec.hpp"
#include "search_index.hpp"

#include <ecom/catalog/admin.hpp>
#include <ecom/catalog/catalog.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>

#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <tuple>

namespace ecom::catalog {
namespace {

using core::Error;
using core::ErrorCode;

using detail::check_prices;
using detail::find_category;
using detail::find_id;
using detail::invalid;
using detail::kCategoriesTag;
using detail::kTreeKey;
using detail::load_product;
using detail::load_tree;
using detail::now_us;
using detail::product_tag;
using detail::valid_slug;

// Where product_view caches a view, and cached_product_view finds it.
std::string product_view_key(std::string_view slug, std::string_view view) {
  std::string key = "catalog:view:";
  key.append(slug).append(":").append(view);
  return key;
}

constexpr const char* kSelectProductIdBySlug = "SELECT id FROM products WHERE slug = :slug";
constexpr const char* kSelectCategoryIdBySlug = "SELECT id FROM categories WHERE slug = :slug";
// Listings are assembled from the constant fragments below (a fixed set of variants: plain or
// search per backend, times one keyset per sort); every value is bound. scope is the category and
// all its descendants; listed is the matching active products with their cheapest price and, for a
// search, a rank where lower is better. The search text (:match) is built by search_words from
// letters and digits only, so nothing a client types becomes FTS5 or tsquery syntax, let alone SQL.
// The sentinels of kPagePriceAsc and kPagePriceDesc for products without a price.
constexpr long long kNoPriceAsc = 9223372036854775807;
constexpr long long kNoPriceDesc = -1;
constexpr const char* kListHead =
    "WITH RECURSIVE scope(id) AS ("
    " SELECT id FROM categories WHERE slug = :category"
    " UNION ALL"
    " SELECT c.id FROM categories c JOIN scope s ON c.parent_id = s.id), "
    "listed AS (SELECT p.id, p.slug, p.title, p.created_at, p.price_min AS price, p.price_currency AS currency,"
    " p.in_stock, ";
constexpr const char* kListFromAll = "0 AS rank FROM products p WHERE p.status = 'active'";
// SQLite: bm25 weighs a title hit ten times a description hit; lower is better already.
constexpr const char* kListFromSearchSqlite =
    "bm25(products_search, 10.0, 1.0) AS rank "
    "FROM products_search JOIN products p ON p.id = products_search.rowid "
    "WHERE products_search MATCH :match AND p.status = 'active'";
// PostgreSQL: the generated, GIN-indexed products.search (title weight A, description B).
constexpr const char* kListFromSearchPostgres =
    "-ts_rank(p.search, query) AS rank "
    "FROM products p, to_tsquery('english'::regconfig, :match) query "
    "WHERE p.search @@ query AND p.status = 'active'";
constexpr const char* kListCategory =
    " AND (:any_category = 1 OR EXISTS (SELECT 1 FROM product_categories pc JOIN scope s ON s.id = pc.category_id"
    " WHERE pc.product_id = p.id))"
    " AND (:want_in_stock = 0 OR p.in_stock = 1) AND (:want_out_of_stock = 0 OR p.in_stock = 0)";
// One per attribute filter i (0..kMaxAttributeFilters-1), with its name and values bound as
// attr_name_<i> and attr_value_<i>_<j>; unused value slots repeat the first value.
constexpr const char* kListAttributeHead =
    " AND EXISTS (SELECT 1 FROM product_attributes a WHERE a.product_id = p.id AND a.name = :attr_name_";
constexpr const char* kListPriceFilter =
    "(:any_min = 1 OR price >= :min_price) AND (:any_max = 1 OR price <= :max_price)";
constexpr const char* kListTail = ") SELECT id, slug, title, created_at, price, currency FROM listed WHERE ";
// Facets: matched is every listed product within the price range (all pages); facet_root maps
// each category below the listing's own (or every category, without one) to the sub-category
// (or root) it sits under, so that a product counts once per sub-category however many of its
// descendants hold it.
constexpr const char* kFacetMatched = "), matched AS (SELECT id, price, currency, in_stock FROM listed WHERE ";
constexpr const char* kFacetTotals =
    ") SELECT COUNT(*), COALESCE(SUM(in_stock), 0), MIN(price), MAX(price), MIN(currency) FROM matched m";
constexpr const char* kFacetCategories =
    "), facet_root(id, root) AS ("
    " SELECT id, id FROM categories WHERE (:facet_roots = 1 AND parent_id IS NULL) OR parent_id = :facet_parent"
    " UNION ALL"
    " SELECT c.id, f.root FROM categories c JOIN facet_root f ON c.parent_id = f.id) "
    "SELECT f.root, COUNT(DISTINCT m.id) FROM matched m"
    " JOIN product_categories pc ON pc.product_id = m.id JOIN facet_root f ON f.id = pc.category_id"
    " GROUP BY f.root";
// Bounded: a catalog with an attribute of unbounded values (a per-product text) must not make
// every listing carry them all.
constexpr const char* kFacetAttributes =
    ") SELECT a.name, a.value, COUNT(*) FROM matched m JOIN product_attributes a ON a.product_id = m.id"
    " GROUP BY a.name, a.value ORDER BY a.name, a.value LIMIT 2000";
constexpr std::size_t kMaxFacetValues = 50;
// One attribute's values, for the disjunctive count of a filtered attribute (see count_facets).
constexpr const char* kFacetOneAttribute =
    ") SELECT a.value, COUNT(*) FROM matched m JOIN product_attributes a ON a.product_id = m.id"
    " WHERE a.name = :facet_name GROUP BY a.value ORDER BY a.value LIMIT 50";
// Keysets: the rows after the cursor's (key, id) in each order. Products without a price sort
// after every priced one (the sentinels), both ways.
constexpr const char* kPageNewest =
    "(:from_start = 1 OR created_at < :key OR (created_at = :same_key AND id < :after_id)) "
    "ORDER BY created_at DESC, id DESC LIMIT :limit";
constexpr const char* kPagePriceAsc =
    "(:from_start = 1 OR COALESCE(price, 9223372036854775807) > :key"
    " OR (COALESCE(price, 9223372036854775807) = :same_key AND id > :after_id)) "
    "ORDER BY COALESCE(price, 9223372036854775807), id LIMIT :limit";
constexpr const char* kPagePriceDesc =
    "(:from_start = 1 OR COALESCE(price, -1) < :key OR (COALESCE(price, -1) = :same_key AND id < :after_id)) "
    "ORDER BY COALESCE(price, -1) DESC, id DESC LIMIT :limit";
// By title: the cursor holds only the last row's id (titles are unbounded text), whose title is
// read back here; :key and :same_key are that id too.
constexpr const char* kPageName =
    "(:from_start = 1 OR title > (SELECT title FROM products WHERE id = :key)"
    " OR (title = (SELECT title FROM products WHERE id = :same_key) AND id > :after_id)) "
    "ORDER BY title, id LIMIT :limit";
// Relevance has no stable keyset: it pages by an offset kept in the signed cursor.
constexpr const char* kPageRelevance = "1 = 1 ORDER BY rank, created_at DESC, id DESC LIMIT :limit OFFSET :offset";

// The words of a search text: runs of ASCII letters and digits, lower-cased; everything else
// separates words. bad_request naming "q" when there is no word, or too much text.
std::vector<std::string> search_words(std::string_view text) {
  if (text.size() > kMaxSearchLength) {
    throw Error::bad_parameter("q", "must be at most " + std::to_string(kMaxSearchLength) + " characters");
  }
  std::vector<std::string> words;
  std::string word;
  const auto flush = [&] {
    if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  };
  for (const char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      word.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      word.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      flush();
    }
  }
  flush();
  if (words.empty()) {
    throw Error::bad_parameter("q", "must contain a letter or a digit");
  }
  if (words.size() > kMaxSearchWords) {
    throw Error::bad_parameter("q", "must have at most " + std::to_string(kMaxSearchWords) + " words");
  }
  return words;
}

std::string sort_name(ListSort sort) {
  switch (sort) {
    case ListSort::relevance:
      return "relevance";
    case ListSort::newest:
      return "newest";
    case ListSort::price_asc:
      return "price_asc";
    case ListSort::price_desc:
      return "price_desc";
    case ListSort::name:
      return "name";
  }
  return "newest";
}

const char* page_sql(ListSort sort) {
  switch (sort) {
    case ListSort::relevance:
      return kPageRelevance;
    case ListSort::newest:
      return kPageNewest;
    case ListSort::price_asc:
      return kPagePriceAsc;
    case ListSort::price_desc:
      return kPagePriceDesc;
    case ListSort::name:
      return kPageName;
  }
  return kPageNewest;
}

bool has_filters(const ListQuery& query) {
  return query.min_price || query.max_price || query.in_stock || !query.attributes.empty();
}

void check_filters(const ListQuery& query) {
  if (query.min_price && *query.min_price < 0) {
    throw Error::bad_parameter("min_price", "must not be negative");
  }
  if (query.max_price && *query.max_price < 0) {
    throw Error::bad_parameter("max_price", "must not be negative");
  }
  if (query.min_price && query.max_price && *query.min_price > *query.max_price) {
    throw Error(ErrorCode::bad_request, "min_price is above max_price",
                {core::FieldError{"min_price", "must not be above max_price"},
                 core::FieldError{"max_price", "must not be below min_price"}});
  }
  if (query.attributes.size() > kMaxAttributeFilters) {
    throw Error::bad_parameter("attr." + query.attributes.back().first,
                               "at most " + std::to_string(kMaxAttributeFilters) + " attribute filters");
  }
  for (const auto& [name, values] : query.attributes) {
    if (values.empty() || values.size() > kMaxAttributeValues) {
      throw Error::bad_parameter("attr." + name, "must have 1 to " + std::to_string(kMaxAttributeValues) + " values");
    }
  }
}

// The filters as cursor scope text: a cursor from other filters is refused. Lengths prefix each
// name and value, so no choice of text can make two different filters look alike.
std::string filter_scope(const ListQuery& query) {
  std::string scope = "|min=" + (query.min_price ? std::to_string(*query.min_price) : "") +
                      "|max=" + (query.max_price ? std::to_string(*query.max_price) : "") +
                      "|stock=" + (query.in_stock ? (*query.in_stock ? "1" : "0") : "");
  for (const auto& [name, values] : query.attributes) {
    scope += "|a" + std::to_string(name.size()) + ":" + name;
    for (const auto& value : values) {
      scope += "," + std::to_string(value.size()) + ":" + value;
    }
  }
  return scope;
}

// FTS5: every word quoted (a phrase of one token, so no word is read as an operator), implicitly
// ANDed; the last one a prefix. "red sne" -> "red" "sne"*
std::string fts5_match(const std::vector<std::string>& words) {
  std::string match;
  for (const auto& word : words) {
    if (!match.empty()) {
      match += ' ';
    }
    match += '"' + word + '"';
  }
  return match + '*';
}

// to_tsquery: the words ANDed, the last one a prefix. "red sne" -> red & sne:*. The words are only
// letters and digits, which to_tsquery reads as plain lexemes (and stems).
std::string ts_query(const std::vector<std::string>& words) {
  std::string query;
  for (const auto& word : words) {
    if (!query.empty()) {
      query += " & ";
    }
    query += word;
  }
  return query + ":*";
}

// The values bound to the listing's search and filter placeholders; they outlive the statements.
struct ListBindings {
  std::string category;
  int any_category = 1;
  int want_in_stock = 0;
  int want_out_of_stock = 0;
  int any_min = 1;
  long long min_price = 0;
  int any_max = 1;
  long long max_price = 0;
  std::string match;  // empty without a search
};

ListBindings bindings_for(const ListQuery& query, const std::vector<std::string>& words, bool postgres) {
  ListBindings b;
  b.category = query.category.value_or("");
  b.any_category = query.category ? 0 : 1;
  b.want_in_stock = query.in_stock.value_or(false) ? 1 : 0;
  b.want_out_of_stock = query.in_stock.has_value() && !*query.in_stock ? 1 : 0;
  b.any_min = query.min_price ? 0 : 1;
  b.min_price = query.min_price.value_or(0);
  b.any_max = query.max_price ? 0 : 1;
  b.max_price = query.max_price.value_or(0);
  if (!words.empty()) {
    b.match = postgres ? ts_query(words) : fts5_match(words);
  }
  return b;
}

// The WITH clause up to the end of listed's filters: the search (or all active products), the
// category scope, stock and each attribute filter of query, with placeholders that bind_filters
// binds.
std::string filtered_sql(const ListQuery& query, bool search, bool postgres) {
  std::string text = kListHead;
  if (!search) {
    text += kListFromAll;
  } else {
    text += postgres ? kListFromSearchPostgres : kListFromSearchSqlite;
  }
  text += kListCategory;
  for (std::size_t i = 0; i < query.attributes.size(); ++i) {
    text += kListAttributeHead + std::to_string(i) + " AND a.value IN (";
    for (std::size_t j = 0; j < kMaxAttributeValues; ++j) {
      text += (j == 0 ? ":attr_value_" : ", :attr_value_") + std::to_string(i) + "_" + std::to_string(j);
    }
    text += "))";
  }
  return text;
}

// Bound element by element: which placeholders a statement has depends on its search and filters.
void bind_filters(soci::statement& st, const ListBindings& b, const ListQuery& query) {
  st.exchange(soci::use(b.category, "category"));
  st.exchange(soci::use(b.any_category, "any_category"));
  st.exchange(soci::use(b.want_in_stock, "want_in_stock"));
  st.exchange(soci::use(b.want_out_of_stock, "want_out_of_stock"));
  st.exchange(soci::use(b.any_min, "any_min"));
  st.exchange(soci::use(b.min_price, "min_price"));
  st.exchange(soci::use(b.any_max, "any_max"));
  st.exchange(soci::use(b.max_price, "max_price"));
  for (std::size_t i = 0; i < query.attributes.size(); ++i) {
    const auto& [name, values] = query.attributes[i];
    st.exchange(soci::use(name, "attr_name_" + std::to_string(i)));
    for (std::size_t j = 0; j < kMaxAttributeValues; ++j) {
      st.exchange(soci::use(j < values.size() ? values[j] : values.front(),
                            "attr_value_" + std::to_string(i) + "_" + std::to_string(j)));
    }
  }
  if (!b.match.empty()) {
    st.exchange(soci::use(b.match, "match"));
  }
}

void run(soci::statement& st, const std::string& text) {
  st.alloc();
  st.prepare(text);
  st.define_and_bind();
  st.execute();
}

// Each listed product's first image, for its card: one indexed lookup per row of the page (at most
// 101), only when the page is not served from the cache.
void add_card_images(soci::session& sql, ProductPage& page) {
  detail::ImageQuery first_image(sql, true);
  for (auto& item : page.items) {
    if (auto images = first_image.images_of(item.id); !images.empty()) {
      item.image = std::move(images.front());
    }
  }
}

// One page in the sort's order, plus one more row when another page follows.
ProductPage fetch_page(soci::session& sql, const std::string& text, const ListBindings& b, const ListQuery& query,
                       ListSort sort, const std::optional<detail::CursorPosition>& after) {
  const int from_start = after ? 0 : 1;
  const long long key = after ? (sort == ListSort::name ? after->id : after->key) : 0;
  const long long after_id = after ? after->id : 0;
  const long long offset = after ? after->offset : 0;
  const long long fetch = query.limit + 1;
  long long id = 0;
  std::string slug;
  std::string title;
  long long created_at = 0;
  long long price = 0;
  soci::indicator price_ind = soci::i_null;
  std::string currency;
  soci::indicator currency_ind = soci::i_null;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(slug));
  st.exchange(soci::into(title));
  st.exchange(soci::into(created_at));
  st.exchange(soci::into(price, price_ind));
  st.exchange(soci::into(currency, currency_ind));
  st.exchange(soci::use(fetch, "limit"));
  bind_filters(st, b, query);
  if (sort == ListSort::relevance) {
    st.exchange(soci::use(offset, "offset"));
  } else {
    st.exchange(soci::use(from_start, "from_start"));
    st.exchange(soci::use(key, "key"));
    st.exchange(soci::use(key, "same_key"));
    st.exchange(soci::use(after_id, "after_id"));
  }
  run(st, text);
  ProductPage page;
  while (st.fetch()) {
    ProductSummary s{id, slug, title, created_at, std::nullopt, std::nullopt};
    if (price_ind == soci::i_ok && currency_ind == soci::i_ok) {
      s.price_from = Money{price, currency};
    }
    page.items.push_back(std::move(s));
  }
  add_card_images(sql, page);
  return page;
}

// Facet counts over every match; matched_text is the filters up to and including the price
// filter of the matched CTE. scope is the listing's category (or a root holding the tree's roots);
// none when the category vanished meanwhile, which leaves the category facet empty.
Facets count_facets(soci::session& sql, const std::string& matched_text, const ListBindings& b, const ListQuery& query,
                    const std::optional<Category>& scope, bool postgres) {
  Facets facets;
  {
    long long total = 0;
    long long in_stock = 0;
    long long min_price = 0;
    long long max_price = 0;
    std::string currency;
    soci::indicator min_ind = soci::i_null;
    soci::indicator max_ind = soci::i_null;
    soci::indicator currency_ind = soci::i_null;
    soci::statement st(sql);
    st.exchange(soci::into(total));
    st.exchange(soci::into(in_stock));
    st.exchange(soci::into(min_price, min_ind));
    st.exchange(soci::into(max_price, max_ind));
    st.exchange(soci::into(currency, currency_ind));
    bind_filters(st, b, query);
    run(st, matched_text + kFacetTotals);
    st.fetch();
    facets.total = total;
    facets.in_stock = in_stock;
    if (min_ind == soci::i_ok && max_ind == soci::i_ok && currency_ind == soci::i_ok) {
      facets.min_price = Money{min_price, currency};
      facets.max_price = Money{max_price, currency};
    }
  }
  if (scope && !scope->children.empty()) {
    std::map<long long, long long> counts;
    long long root = 0;
    long long count = 0;
    const int facet_roots = scope->id == 0 ? 1 : 0;
    const long long facet_parent = scope->id;
    soci::statement st(sql);
    st.exchange(soci::into(root));
    st.exchange(soci::into(count));
    bind_filters(st, b, query);
    st.exchange(soci::use(facet_roots, "facet_roots"));
    st.exchange(soci::use(facet_parent, "facet_parent"));
    run(st, matched_text + kFacetCategories);
    while (st.fetch()) {
      counts[root] = count;
    }
    for (const auto& child : scope->children) {
      if (const auto it = counts.find(child.id); it != counts.end()) {
        facets.categories.push_back(FacetValue{child.slug, child.name, it->second});
      }
    }
  }
  {
    std::string name;
    std::string value;
    long long count = 0;
    soci::statement st(sql);
    st.exchange(soci::into(name));
    st.exchange(soci::into(value));
    st.exchange(soci::into(count));
    bind_filters(st, b, query);
    run(st, matched_text + kFacetAttributes);
    while (st.fetch()) {
      if (facets.attributes.empty() || facets.attributes.back().first != name) {
        facets.attributes.emplace_back(name, std::vector<FacetValue>{});
      }
      auto& values = facets.attributes.back().second;
      if (values.size() < kMaxFacetValues) {
        values.push_back(FacetValue{value, value, count});
      }
    }
  }
  // A filtered attribute's own values are counted without its own filter, so that a shopper who
  // ticked one brand sees how many products each other brand would add (values of one attribute
  // are alternatives; the listing shows any of them).
  for (std::size_t i = 0; i < query.attributes.size(); ++i) {
    ListQuery others = query;
    others.attributes.erase(others.attributes.begin() + static_cast<std::ptrdiff_t>(i));
    const std::string& name = query.attributes[i].first;
    std::vector<FacetValue> values;
    std::string value;
    long long count = 0;
    soci::statement st(sql);
    st.exchange(soci::into(value));
    st.exchange(soci::into(count));
    bind_filters(st, b, others);
    st.exchange(soci::use(name, "facet_name"));
    run(st, filtered_sql(others, !b.match.empty(), postgres) + kFacetMatched + kListPriceFilter + kFacetOneAttribute);
    while (st.fetch()) {
      values.push_back(FacetValue{value, value, count});
    }
    detail::set_attribute_facet(facets, name, std::move(values));
  }
  return facets;
}
}  // namespace

// HMAC-SHA-256 keys shorter than the hash's own 32 bytes only weaken it.
constexpr std::size_t kMinCursorSecretBytes = 32;

void declare_config(config::Schema& schema) {
  schema.secret("catalog.cursor_secret",
                "key that signs listing cursors, at least 32 bytes; unset: a random key per process (cursors then "
                "fail after a restart or on another process)",
                kMinCursorSecretBytes);
  schema.boolean("catalog.require_cursor_secret", false,
                 "refuse to start while catalog.cursor_secret is unset (the production configs set this)");
  schema.rule([](const config::Config& config) {
    if (config.string("catalog.cursor_secret").empty() && config.boolean("catalog.require_cursor_secret")) {
      throw config::ConfigError(
          "catalog.cursor_secret: required (catalog.require_cursor_secret); set "
          "ECOM_CATALOG_CURSOR_SECRET to at least " +
          std::to_string(kMinCursorSecretBytes) + " random bytes, the same on every storefront process");
    }
  });
  schema.integer("catalog.listing_ttl_ms", 60'000, 0, 86'400'000,
                 "how long a listing page (with its facets) stays cached, in ms; every catalog change invalidates "
                 "them all anyway; 0: listings are not cached");
  schema.string("catalog.search_index", "background",
                "in-process search and facet index for listings on PostgreSQL: background (rebuilt on a thread "
                "after catalog changes, SQL answers meanwhile) or off (every listing is SQL)",
                {"background", "off"});
}

std::optional<ListSort> parse_sort(std::string_view text) {
  constexpr std::array kSorts = {ListSort::relevance, ListSort::newest, ListSort::price_asc, ListSort::price_desc,
                                 ListSort::name};
  for (const auto sort : kSorts) {
    if (sort_name(sort) == text) {
      return sort;
    }
  }
  return std::nullopt;
}

CatalogOptions options_from(const config::Config& config) {
  CatalogOptions options;
  options.cursor_secret = config.string("catalog.cursor_secret");
  options.listing_ttl = std::chrono::milliseconds(config.integer("catalog.listing_ttl_ms"));
  options.search_index =
      config.string("catalog.search_index") == "off" ? SearchIndexMode::off : SearchIndexMode::background;
  return options;
}

CatalogService::CatalogService(db::Database& db, cache::Cache& cache, CatalogOptions options,
                               std::shared_ptr<const StockReader> stock)
    : db_(db),
      cache_(cache),
      options_(std::move(options)),
      cursor_key_(options_.cursor_secret),
      stock_(stock ? std::move(stock) : variant_on_hand(db_)) {
  if (cursor_key_.empty()) {
    log::warn(
        "catalog.cursor_secret is not set: listing cursors are signed with a random per-process key and will not "
        "survive a restart or work across processes; set ECOM_CATALOG_CURSOR_SECRET");
    cursor_key_ = detail::random_key();
  }
  // The index takes its stems and lexemes from PostgreSQL's text search; SQLite's FTS5 (the
  // embedded default, small shops) stays on SQL.
  if (options_.search_index != SearchIndexMode::off && db_.backend() == db::Backend::postgresql) {
    search_index_ = std::make_unique<detail::SearchIndexHolder>(db_, cache_, options_.search_index);
  }
}

CatalogService::~CatalogService() = default;

bool CatalogService::search_index_ready() {
  return search_index_ && search_index_->ready();
}

std::int64_t CatalogService::product_id(std::string_view slug, std::string_view client) {
  if (!valid_slug(slug)) {
    throw Error(ErrorCode::not_found, "No such product.");
  }
  const std::string slug_text(slug);
  // Slug to id first, so the product itself can be cached under its id's tag, which is all a
  // writer knows; a slug change or a deletion invalidates "product-slug:<slug>".
  const std::string id_text = cache::get_or_load(
      cache_, "catalog:slug:" + slug_text, options_.cache_ttl, {detail::product_slug_tag(slug_text)}, [&] {
        return db_.read(client, db::Consistency::any, [&](soci::session& sql) {
          const auto id = find_id(sql, kSelectProductIdBySlug, slug_text);
          if (!id) {
            throw Error(ErrorCode::not_found, "No such product.");
          }
          return std::to_string(*id);
        });
      });
  return std::stoll(id_text);
}

Product CatalogService::product_by_id(std::int64_t id, std::string_view client) {
  const long long pid = id;
  const std::string text =
      cache::get_or_load(cache_, "catalog:product:" + std::to_string(id), options_.cache_ttl, {product_tag(id)}, [&] {
        auto product =
            db_.read(client, db::Consistency::any, [&](soci::session& sql) { return load_product(sql, pid); });
        // Stock is asked of the reader the inventory module will implement (stock.hpp), by variant
        // id and outside this read, not taken from the variant rows load_product read.
        std::vector<std::int64_t> variant_ids;
        variant_ids.reserve(product.variants.size());
        for (const auto& variant : product.variants) {
          variant_ids.push_back(variant.id);
        }
        const auto levels = stock_->on_hand(variant_ids);
        for (auto& variant : product.variants) {
          const auto level = levels.find(variant.id);
          variant.on_hand = level == levels.end() ? 0 : level->second;
        }
        return detail::encode_product(product);
      });
  return detail::decode_product(text);
}

Product CatalogService::get_product(std::string_view slug, std::string_view client) {
  return product_by_id(product_id(slug, client), client);
}

std::string CatalogService::product_view(std::string_view slug, const std::string& view,
                                         const std::function<std::string(const Product&)>& render,
                                         std::string_view client) {
  if (!valid_slug(slug)) {
    throw Error(ErrorCode::not_found, "No such product.");
  }
  // One cache read per view: keyed by slug, and tagged, once the product is known, with its id's
  // tag (what writers invalidate), its slug's (a slug change or a deletion) and the tree's. Not
  // get_or_load, whose tags must be known before loading.
  const std::string slug_text(slug);
  const std::string key = product_view_key(slug_text, view);
  if (auto hit = cache_.get_near(key)) {
    return std::move(*hit);
  }
  return cache_.single_flight().run(key, [&] {
    const auto id = product_id(slug, client);
    auto body = render(product_by_id(id, client));
    // Dropped by the cache when one of the tags was invalidated meanwhile (its guard window).
    cache_.set(key, body, cache::jittered_ttl(options_.cache_ttl),
               {product_tag(id), detail::product_slug_tag(slug_text), kCategoriesTag});
    return body;
  });
}

std::optional<std::string> CatalogService::cached_product_view(std::string_view slug, const std::string& view) {
  if (!valid_slug(slug)) {
    return std::nullopt;
  }
  return cache_.peek(product_view_key(slug, view));
}

std::string CatalogService::catalog_view(std::string_view name, const std::function<std::string()>& render) {
  return cache::get_or_load(cache_, "catalog-view:" + std::string(name), options_.cache_ttl,
                            {detail::kListingsTag, kCategoriesTag}, render);
}

std::vector<Category> CatalogService::category_tree(std::string_view client) {
  const std::string text = cache::get_or_load(cache_, kTreeKey, options_.cache_ttl, {kCategoriesTag}, [&] {
    return db_.read(client, db::Consistency::any,
                    [&](soci::session& sql) { return detail::encode_tree(load_tree(sql)); });
  });
  return detail::decode_tree(text);
}

Category CatalogService::get_category(std::string_view slug, std::string_view client) {
  const auto tree = category_tree(client);
  const auto* found = find_category(tree, slug);
  if (found == nullptr) {
    throw Error(ErrorCode::not_found, "No such category.");
  }
  return *found;
}

namespace {

// A cursor is valid only for the sort, category, search and filters it came from. The plain newest
// listing keeps the unscoped cursor format.
std::string cursor_scope(const ListQuery& query, ListSort sort, const std::vector<std::string>& words) {
  std::string scope;
  if (sort != ListSort::newest || query.q || has_filters(query)) {
    scope = sort_name(sort) + "|" + query.category.value_or("");
    for (const auto& word : words) {
      scope += "|" + word;
    }
    scope += filter_scope(query);
  }
  return scope;
}

}  // namespace

ProductPage CatalogService::list_products(const ListQuery& query, std::string_view client) {
  if (query.limit < 1 || query.limit > kMaxListLimit) {
    throw Error::bad_parameter("limit", "must be an integer from 1 to " + std::to_string(kMaxListLimit));
  }
  std::vector<std::string> words;
  if (query.q) {
    words = search_words(*query.q);
  }
  const ListSort sort = query.sort.value_or(query.q ? ListSort::relevance : ListSort::newest);
  if (sort == ListSort::relevance && !query.q) {
    throw Error::bad_parameter("sort", "relevance needs a search (q)");
  }
  check_filters(query);
  const std::string scope = cursor_scope(query, sort, words);
  std::optional<detail::CursorPosition> after;
  if (query.cursor) {
    after = detail::decode_cursor(cursor_key_, *query.cursor, scope);
  }
  if (query.category && !valid_slug(*query.category)) {
    throw Error::bad_parameter("category", "no such category");
  }
  // A page of limit + 1 rows becomes limit rows and the cursor after the last.
  const auto finish_page = [&](ProductPage& page) {
    if (page.items.size() > static_cast<std::size_t>(query.limit)) {
      page.items.pop_back();
      const auto& last = page.items.back();
      long long last_key = last.created_at_us;
      if (sort == ListSort::price_asc) {
        last_key = last.price_from ? last.price_from->amount : kNoPriceAsc;
      } else if (sort == ListSort::price_desc) {
        last_key = last.price_from ? last.price_from->amount : kNoPriceDesc;
      } else if (sort == ListSort::name) {
        last_key = 0;  // the title is read back by id
      }
      const long long shown = (after ? after->offset : 0) + query.limit;
      page.next_cursor = detail::encode_cursor(cursor_key_, {last_key, last.id, shown}, scope);
    }
  };
  // The index answers exactly what SQL would, from memory, or declines (stale, or a query it
  // cannot answer exactly); it needs no listing cache in front of it.
  if (search_index_) {
    if (auto page = search_index_->query(query, sort, words, after)) {
      finish_page(*page);
      return std::move(*page);
    }
  }

  const bool postgres = db_.backend() == db::Backend::postgresql;
  // The search and filters, shared by the page and the facet statements.
  const std::string filtered = filtered_sql(query, !words.empty(), postgres);
  const ListBindings bindings = bindings_for(query, words, postgres);
  // The facets' sub-categories come from the (cached) tree: their names and order, and the id of
  // the listing's category.
  std::optional<Category> facet_scope;
  if (query.facets) {
    const auto tree = category_tree(client);
    if (query.category) {
      if (const auto* node = find_category(tree, *query.category)) {
        facet_scope = *node;
      }
    } else {
      facet_scope = Category{};
      facet_scope->children = tree;
    }
  }

  const auto load = [&] {
    return db_.read(client, db::Consistency::any, [&](soci::session& sql) {
      if (query.category && !find_id(sql, kSelectCategoryIdBySlug, bindings.category)) {
        throw Error::bad_parameter("category", "no such category");
      }
      ProductPage page = fetch_page(sql, filtered + kListTail + kListPriceFilter + " AND " + page_sql(sort), bindings,
                                    query, sort, after);
      finish_page(page);
      if (query.facets) {
        page.facets =
            count_facets(sql, filtered + kFacetMatched + kListPriceFilter, bindings, query, facet_scope, postgres);
      }
      return page;
    });
  };
  if (options_.listing_ttl.count() <= 0) {
    return load();
  }
  // The canonical query: everything that shapes the answer, each part delimited so that no two
  // queries read alike (filter_scope prefixes lengths).
  std::string canonical = "list1|" + sort_name(sort) + "|c" + query.category.value_or("") + "|l" +
                          std::to_string(query.limit) + "|f" + (query.facets ? "1" : "0") + "|k" +
                          query.cursor.value_or("") + "|q";
  for (const auto& word : words) {
    canonical += std::to_string(word.size()) + ":" + word + ",";
  }
  canonical += filter_scope(query);
  const std::string text = cache::get_or_load(cache_, detail::listing_cache_key(canonical), options_.listing_ttl,
                                              {detail::kListingsTag}, [&] { return detail::encode_page(load()); });
  return detail::decode_page(text);
}

}  // namespace ecom::catalog
