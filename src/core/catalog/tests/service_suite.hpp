// Checks of the catalog service that must hold on every backend. The same code runs on SQLite
// (unit tests) and on PostgreSQL (integration tests); each check gets a freshly migrated database.
// The listing checks take the search index mode: on PostgreSQL they run once on SQL and once on
// the in-process index (synchronous, so every listing after a write comes from a fresh index).
#pragma once

#include <ecom/catalog/catalog.hpp>
#include <ecom/db/database.hpp>

namespace ecom::catalog::test {

// A product written with variants, categories and attributes reads back whole.
void check_create_and_read_back(db::Database& db);
// Drafts and archived products are not found and not listed.
void check_drafts_invisible(db::Database& db, SearchIndexMode index = SearchIndexMode::off);
// The category tree, one category by slug, and a listing by category including sub-categories.
void check_categories(db::Database& db, SearchIndexMode index = SearchIndexMode::off);
// 57 products at limit 10 are each listed exactly once, also when products are added between
// pages; newest first.
void check_pagination(db::Database& db, SearchIndexMode index = SearchIndexMode::off);
// A cursor altered by one character, or made up, is bad_request naming "cursor"; so is a limit out
// of range ("limit") and an unknown category ("category").
void check_bad_queries(db::Database& db, SearchIndexMode index = SearchIndexMode::off);
// Full-text search: ranking, stemming, prefixes, only active products, operators in the input
// are inert, bad q, paging and cursors bound to one search.
void check_search(db::Database& db, SearchIndexMode index = SearchIndexMode::off);
// Every sort pages in its order (ties by id, unpriced products last); a cursor belongs to its sort.
void check_sorts(db::Database& db, SearchIndexMode index = SearchIndexMode::off);
// Price range, stock and attribute filters, alone and together; bad filters name their parameter.
void check_filters(db::Database& db, SearchIndexMode index = SearchIndexMode::off);
// A price changed through the service shows on the next get_product though the product was cached.
void check_cache_invalidation(db::Database& db);
// A duplicate slug or SKU is a conflict; bad money is unprocessable.
void check_write_rules(db::Database& db);
// Facet counts: totals, stock, sub-categories, attributes and the price range over every match,
// narrowed by filters.
void check_facets(db::Database& db, SearchIndexMode index = SearchIndexMode::off);
// Listing pages are cached, and any catalog write invalidates them; listing_ttl 0 caches none.
void check_listing_cache(db::Database& db);
// A listing card carries its product's first image (by position), also from the cache, and the
// JSON turns its path into a URL under the asset base.
void check_card_images(db::Database& db, SearchIndexMode index = SearchIndexMode::off);
// The listing's price and stock (kept on the product row by triggers on variants) follow every
// variant change: stock sold out, the cheapest variant deleted, a price change, no variant left.
void check_listing_columns_follow_variants(db::Database& db, SearchIndexMode index = SearchIndexMode::off);
// Product reads take each variant's quantity from the service's StockReader (variants.on_hand by
// default); another reader's quantities show instead, a variant it does not know has none.
void check_stock_reader(db::Database& db);
// A product view (a rendered page) is rendered once and cached until the product or the category
// tree changes; a render that throws caches nothing.
void check_product_view(db::Database& db);
// A whole-catalog document is rendered once until any catalog write.
void check_catalog_view(db::Database& db);

}  // namespace ecom::catalog::test
