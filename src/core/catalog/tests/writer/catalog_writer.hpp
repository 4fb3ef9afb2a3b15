// For tests that need a shop to read: products, variants and categories written the way staff
// write them, through CatalogAdmin (its validation, its transactions, its cache invalidation), so a
// test shop can never hold what the admin would refuse. The shorthands take each product's current
// version; tests of optimistic concurrency use CatalogAdmin itself (admin()).
#pragma once

#include <ecom/catalog/admin.hpp>

#include <cstdint>
#include <optional>

namespace ecom::catalog::test {

class CatalogWriter {
 public:
  // db and cache must outlive the writer; cache is the one the readers under test use, so that
  // writes invalidate what they cached.
  CatalogWriter(db::Database& db, cache::Cache& cache) : admin_(db, cache) {}

  Category create_category(const NewCategory& category) { return admin_.create_category(category); }
  // The new product's id.
  std::int64_t create_product(const NewProduct& product) { return admin_.create_product(product).id; }
  // The new variant's id; not_found for an unknown product.
  std::int64_t add_variant(std::int64_t product_id, const NewVariant& variant) {
    const Product product = admin_.add_variant(product_id, variant, version_of(product_id));
    for (const auto& v : product.variants) {
      if (v.sku == variant.sku) {
        return v.id;
      }
    }
    return 0;
  }
  // not_found for an unknown product or variant.
  void set_variant_price(std::int64_t product_id, std::int64_t variant_id, const Money& price,
                         const std::optional<Money>& compare_at) {
    VariantChanges changes;
    changes.price = price;
    changes.compare_at.emplace(compare_at);
    admin_.update_variant(product_id, variant_id, changes, version_of(product_id));
  }
  // not_found for an unknown product.
  void set_product_status(std::int64_t product_id, ProductStatus status) {
    admin_.set_status(product_id, status, version_of(product_id));
  }

  CatalogAdmin& admin() noexcept { return admin_; }

 private:
  std::int64_t version_of(std::int64_t product_id) { return admin_.get_product(product_id).version; }

  CatalogAdmin admin_;
};

}  // namespace ecom::catalog::test
