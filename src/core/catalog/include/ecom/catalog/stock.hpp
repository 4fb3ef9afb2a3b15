// Stock as the catalog reads it: an interface the inventory module will own.
//
// The storefront's product reads (the product JSON, the product page's stock state) ask a
// StockReader for the quantity of each variant; listings read products.in_stock, which whoever
// owns stock keeps current. Until the inventory module exists, VariantOnHand reads
// variants.on_hand, the quantity staff edit in the admin, and the triggers of
// 0006_listing_columns keep products.in_stock in step with it. The inventory work replaces the
// reader (reservations, several warehouses) and takes over products.in_stock, without changing
// how the catalog reads stock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

namespace soci {
class session;
}

namespace ecom::catalog {

class StockReader {
 public:
  StockReader() = default;
  virtual ~StockReader() = default;
  StockReader(const StockReader&) = delete;
  StockReader& operator=(const StockReader&) = delete;

  // The quantity on hand of each variant of the product, by variant id; a variant missing from
  // the map has none. Runs on the caller's connection, inside its transaction if it has one.
  [[nodiscard]] virtual std::map<std::int64_t, std::int64_t> on_hand(soci::session& sql,
                                                                     std::int64_t product_id) const = 0;
};

// The reader until inventory exists: variants.on_hand.
[[nodiscard]] std::shared_ptr<const StockReader> variant_on_hand();

}  // namespace ecom::catalog
