// Demo data for the catalog: a realistic, deterministic catalog (category tree, products with
// attributes, variants with options, prices and stock) written straight to the catalog tables in
// large batched transactions, so that 100,000 products take seconds rather than an hour of single
// CatalogService calls. Used by `ecomctl seed` and by scripts/run on first start.
//
// Images: with a storage, every product gets 1-3 placeholder images. They point at a fixed set of
// kPlaceholderCount gradient PNGs written once under "placeholders/" (not one file per product:
// 100,000 products would otherwise mean 200,000 files), chosen from the seed and the product id.
#pragma once

#include <ecom/db/database.hpp>
#include <ecom/storage/storage.hpp>

#include <cstdint>

namespace ecom::catalog {

struct SeedOptions {
  std::int64_t products = 300;
  std::uint64_t seed = 1;  // same seed, same catalog (slugs, titles, prices, stock)
  // Add to a catalog that already has products; slugs and SKUs then carry the seed and a running
  // number past the existing products, so they never collide with an earlier seeding.
  bool append = false;
  // Where the placeholder images go (written when missing); nullptr: products get no images.
  storage::Storage* storage = nullptr;
};

inline constexpr int kPlaceholderCount = 12;
inline constexpr int kPlaceholderSide = 800;  // pixels, square; with a 400 copy (storage/sizes.hpp)

struct SeedResult {
  std::int64_t products = 0;
  std::int64_t variants = 0;
  std::int64_t categories = 0;  // in the tree after seeding (existing ones are reused)
  std::int64_t images = 0;      // product_images rows written
};

// Products already in the catalog (any status).
[[nodiscard]] std::int64_t count_products(db::Database& db);

// Creates the category tree (missing categories only) and options.products products. Throws
// core::Error(conflict) when the catalog already has products and options.append is false, and
// core::Error(unprocessable) for a negative product count. The storefront's cached category tree
// and listings are not invalidated: they expire by their TTL.
SeedResult seed_catalog(db::Database& db, const SeedOptions& options);

}  // namespace ecom::catalog
