// Checks of CatalogAdmin (the staff side of the catalog) that must hold on every backend: the same
// code runs on SQLite (unit tests) and PostgreSQL (integration tests), each on a migrated database.
#pragma once

#include <ecom/db/database.hpp>

namespace ecom::catalog::admin_test {

// Create, read (drafts too), update, publish/unpublish, variants, list with search, status and
// paging, delete; every change bumps the version.
void check_product_lifecycle(db::Database& db);
// Two changes based on the same version: the first wins, the second is precondition_failed and
// writes nothing; unknown ids are not_found.
void check_optimistic_concurrency(db::Database& db);
// Duplicate slugs and SKUs are conflict naming the field, including two staff creating one slug at
// once (one wins, the other gets 409) and an insert that loses a race after its check passed.
void check_duplicates(db::Database& db);
// Category create, rename, move (refusing cycles) and delete (refused with children or products).
void check_categories(db::Database& db);
// What the storefront's CatalogService cached is invalidated by each admin change: price, slug,
// status, category rename, deletion, listings.
void check_storefront_invalidation(db::Database& db);
// A CSV with mistakes is refused whole with every row and column named; nothing is written.
void check_import_errors(db::Database& db);
// Export, import the export back (updates, no change), edit and import again.
void check_csv_roundtrip(db::Database& db);
// 10,000 rows import in one go (timing printed), and again as updates.
void check_import_10k(db::Database& db);

}  // namespace ecom::catalog::admin_test
