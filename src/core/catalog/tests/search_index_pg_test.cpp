// The in-process search index on the real PostgreSQL (ECOM_TEST_PG_URL; the tests fail, never
// skip, without it): the listing suite again with every listing answered by the index, the index
// against SQL on a seeded catalog (the same pages, cursors and facets for every sort, filter and
// search), and the freshness rule (a catalog write stops the index being used at once).
#include "eventually.hpp"
#include "pg_support.hpp"
#include "service_suite.hpp"
#include "test_support.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/catalog/admin.hpp>
#include <ecom/catalog/catalog.hpp>
#include <ecom/catalog/json.hpp>
#include <ecom/catalog/seed.hpp>
#include <ecom/db/migrations.hpp>
#include <ecom/storage/storage.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace ecom::catalog;
using namespace ecom::catalog::test;

namespace {

constexpr const char* kSecret = "index-test-secret";

struct PgCatalog {
  PgCatalog() : db(std::make_unique<ecom::db::Database>(pg.options())) {
    ecom::db::Migrator(*db, ECOM_SOURCE_DIR "/migrations").apply();
  }
  ecom::db::test::TempPgDatabase pg;
  std::unique_ptr<ecom::db::Database> db;
};

ecom::cache::LocalCacheOptions no_guard() {
  ecom::cache::LocalCacheOptions options;
  options.invalidation_guard = std::chrono::milliseconds(0);
  return options;
}

CatalogOptions with_index(SearchIndexMode mode) {
  CatalogOptions options{kSecret, {}, std::chrono::milliseconds(0)};
  options.search_index = mode;
  return options;
}

std::string page_text(const ProductPage& page) {
  return boost::json::serialize(to_json(page, "/media"));
}

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  std::istringstream in(text);
  while (in >> word) {
    words.push_back(word);
  }
  return words;
}

// Every page of query from both services; they must agree page by page: the same products in the
// same order, the same cursors and the same facets.
void compare_walk(CatalogService& sql, CatalogService& index, ListQuery query) {
  INFO("q=" << query.q.value_or("") << " category=" << query.category.value_or("") << " limit=" << query.limit);
  for (int pages = 0; pages < 200; ++pages) {
    const auto expected = sql.list_products(query);
    const auto actual = index.list_products(query);
    REQUIRE(page_text(actual) == page_text(expected));
    if (!expected.next_cursor) {
      return;
    }
    query.cursor = expected.next_cursor;
  }
  FAIL("more than 200 pages");
}

}  // namespace

TEST_CASE("postgresql index: drafts and archived products are invisible", "[catalog][index][integration]") {
  PgCatalog c;
  check_drafts_invisible(*c.db, SearchIndexMode::synchronous);
}

TEST_CASE("postgresql index: listings by category include sub-categories", "[catalog][index][integration]") {
  PgCatalog c;
  check_categories(*c.db, SearchIndexMode::synchronous);
}

TEST_CASE("postgresql index: pagination walks every product exactly once", "[catalog][index][integration]") {
  PgCatalog c;
  check_pagination(*c.db, SearchIndexMode::synchronous);
}

TEST_CASE("postgresql index: tampered cursors, bad limits and unknown categories are bad requests",
          "[catalog][index][integration]") {
  PgCatalog c;
  check_bad_queries(*c.db, SearchIndexMode::synchronous);
}

TEST_CASE("postgresql index: full-text search ranks, stems, matches prefixes and pages",
          "[catalog][index][integration]") {
  PgCatalog c;
  check_search(*c.db, SearchIndexMode::synchronous);
}

TEST_CASE("postgresql index: every sort pages in its order and keeps its cursor", "[catalog][index][integration]") {
  PgCatalog c;
  check_sorts(*c.db, SearchIndexMode::synchronous);
}

TEST_CASE("postgresql index: price, stock and attribute filters", "[catalog][index][integration]") {
  PgCatalog c;
  check_filters(*c.db, SearchIndexMode::synchronous);
}

TEST_CASE("postgresql index: facet counts over every match, narrowed by filters", "[catalog][index][integration]") {
  PgCatalog c;
  check_facets(*c.db, SearchIndexMode::synchronous);
}

TEST_CASE("postgresql index: listing cards carry the product's first image", "[catalog][index][integration]") {
  PgCatalog c;
  check_card_images(*c.db, SearchIndexMode::synchronous);
}

TEST_CASE("postgresql index: listing price and stock follow every variant change", "[catalog][index][integration]") {
  PgCatalog c;
  check_listing_columns_follow_variants(*c.db, SearchIndexMode::synchronous);
}

TEST_CASE("postgresql index: a seeded catalog lists, searches and counts facets exactly as SQL does",
          "[catalog][index][integration]") {
  PgCatalog c;
  ecom::db::test::TempDir dir;
  ecom::storage::LocalDiskStorage media(dir.path() / "media");
  SeedOptions seeding;
  seeding.products = 400;
  seeding.storage = &media;
  seed_catalog(*c.db, seeding);
  // Some products without a price, some inactive, so that both edges are compared too.
  c.db->transact("", [](soci::session& sql) {
    sql << "DELETE FROM variants WHERE product_id IN (SELECT id FROM products WHERE id % 37 = 0)";
    sql << "UPDATE products SET status = 'draft' WHERE id % 41 = 0";
  });

  ecom::cache::LocalCache sql_cache(no_guard());
  ecom::cache::LocalCache index_cache(no_guard());
  CatalogService sql(*c.db, sql_cache, with_index(SearchIndexMode::off));
  CatalogService index(*c.db, index_cache, with_index(SearchIndexMode::synchronous));

  // The vocabulary of the seeded catalog: title words, attribute values and categories.
  std::vector<std::string> title_words;
  std::vector<std::pair<std::string, std::string>> attributes;
  c.db->read("", ecom::db::Consistency::strong, [&](soci::session& s) {
    soci::rowset<std::string> titles = (s.prepare << "SELECT title FROM products ORDER BY id LIMIT 40");
    std::set<std::string> seen;
    for (const auto& title : titles) {
      for (auto& word : words_of(title)) {
        const bool letters = std::all_of(word.begin(), word.end(), [](char ch) { return std::isalpha(ch) != 0; });
        if (word.size() >= 3 && letters && seen.insert(word).second) {
          title_words.push_back(word);
        }
      }
    }
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT name, MIN(value) FROM product_attributes GROUP BY name ORDER BY name");
    for (const auto& row : rows) {
      attributes.emplace_back(row.get<std::string>(0), row.get<std::string>(1));
    }
  });
  REQUIRE(title_words.size() > 10);
  REQUIRE(attributes.size() >= 2);
  const auto tree = sql.category_tree();
  REQUIRE(tree.size() >= 2);
  REQUIRE_FALSE(tree.front().children.empty());

  ListQuery base;
  base.limit = 25;
  base.facets = true;
  for (const auto sort : {ListSort::newest, ListSort::price_asc, ListSort::price_desc, ListSort::name}) {
    ListQuery query = base;
    query.sort = sort;
    compare_walk(sql, index, query);
    query.category = tree.front().slug;
    compare_walk(sql, index, query);
    query.category = tree.front().children.front().slug;
    query.in_stock = true;
    compare_walk(sql, index, query);
    query.category.reset();
    query.in_stock = false;
    compare_walk(sql, index, query);
    query.in_stock.reset();
    query.min_price = 2000;
    query.max_price = 9000;
    compare_walk(sql, index, query);
    query.attributes = {{attributes[0].first, {attributes[0].second}}};
    compare_walk(sql, index, query);
    query.min_price.reset();
    query.max_price.reset();
    query.attributes.push_back({attributes[1].first, {attributes[1].second, "no-such-value"}});
    compare_walk(sql, index, query);
  }
  // Searches: whole title words and prefixes, alone and in pairs (ranked as ts_rank ranks), under
  // other sorts and filters.
  for (std::size_t i = 0; i < title_words.size(); i += 3) {
    std::string word = title_words[i];
    for (auto& ch : word) {
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    ListQuery query = base;
    query.q = word;
    compare_walk(sql, index, query);
    query.q = word.substr(0, 3);
    compare_walk(sql, index, query);
    query.sort = ListSort::price_asc;
    query.category = tree.back().slug;
    compare_walk(sql, index, query);
    query.sort.reset();
    query.category.reset();
    query.q = word + " " + title_words[(i + 1) % title_words.size()];
    compare_walk(sql, index, query);
    query.q = word + " " + title_words[(i + 2) % title_words.size()].substr(0, 2);
    compare_walk(sql, index, query);
    query.sort = ListSort::name;
    compare_walk(sql, index, query);
  }
  // Stop words only, and words that match nothing.
  for (const auto* q : {"the", "and with", "zzzzqx", "the zzzzqx"}) {
    ListQuery query = base;
    query.q = q;
    compare_walk(sql, index, query);
  }
  // All of the above came from the index: nothing was written since it was built.
  CHECK(index.search_index_ready());
  CHECK_FALSE(sql.search_index_ready());
}

TEST_CASE("postgresql index: a catalog write stops the index being used until it is rebuilt",
          "[catalog][index][integration]") {
  PgCatalog c;
  ecom::cache::LocalCache cache(no_guard());
  ecom::catalog::CatalogAdmin writer(*c.db, cache);
  NewProduct product;
  product.slug = "canvas-shoe";
  product.title = "Canvas shoe";
  product.status = ProductStatus::active;
  const auto id = writer.create_product(product).id;
  const auto title_in = [](const ProductPage& page) {
    return page.items.empty() ? std::string() : page.items.front().title;
  };
  // Renames the product behind the catalog's back: no invalidation, so only a listing that reads
  // the database shows the new title.
  const auto rename_directly = [&](const std::string& title) {
    c.db->transact("", [&](soci::session& sql) {
      sql << "UPDATE products SET title = :title WHERE id = :id", soci::use(title, "title"), soci::use(id, "id");
    });
  };
  ListQuery query;
  query.q = "shoe";

  SECTION("synchronous: the listing after a write comes from a fresh index") {
    CatalogService service(*c.db, cache, with_index(SearchIndexMode::synchronous));
    CHECK(title_in(service.list_products(query)) == "Canvas shoe");
    rename_directly("Canvas shoe renamed");
    // Still the index's copy: the listing did not touch the database.
    CHECK(title_in(service.list_products(query)) == "Canvas shoe");
    cache.invalidate_tag("listings");
    CHECK(title_in(service.list_products(query)) == "Canvas shoe renamed");
  }

  SECTION("background: SQL answers until the new index is ready") {
    CatalogService service(*c.db, cache, with_index(SearchIndexMode::background));
    const auto wait_ready = [&] {
      return ecom::test::eventually([&] { return service.search_index_ready(); }, std::chrono::seconds(10));
    };
    // The service starts building at once; SQL answers until the index is ready.
    CHECK(title_in(service.list_products(query)) == "Canvas shoe");
    REQUIRE(wait_ready());
    rename_directly("Canvas shoe v2");
    CHECK(title_in(service.list_products(query)) == "Canvas shoe");  // the index's copy
    // A write: the stale index is dropped at once and SQL answers the very next listing.
    cache.invalidate_tag("listings");
    CHECK_FALSE(service.search_index_ready());
    CHECK(title_in(service.list_products(query)) == "Canvas shoe v2");
    // That listing started a build; once it is ready the listings come from memory again.
    REQUIRE(wait_ready());
    rename_directly("Canvas shoe v3");
    CHECK(title_in(service.list_products(query)) == "Canvas shoe v2");
  }
}
