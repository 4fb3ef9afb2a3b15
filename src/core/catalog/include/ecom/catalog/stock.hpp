// Stock as the catalog asks for it: the seam the inventory module will implement.
//
// Catalog asks, inventory answers, and each keeps its own tables. A product read (the product
// JSON's stock per variant, the product page's stock state) asks the service's StockReader for
// the quantities of the product's variants, by variant id. The reader reads its own data through
// its own database calls: it is handed no catalog connection or transaction, and it never reads
// catalog tables. Until the inventory module exists, variant_on_hand() answers from
// variants.on_hand, the quantity staff edit in the admin.
//
// Listings filter and sort on products.in_stock, a catalog column that the triggers of
// 0006_listing_columns derive from variants.on_hand. When inventory owns stock it does not write
// that column either: it publishes stock changes as events (through the outbox), and a catalog
// consumer updates products.in_stock and invalidates the product's cache tag.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace ecom::db {
class Database;
}

namespace ecom::catalog {

class StockReader {
 public:
  StockReader() = default;
  virtual ~StockReader() = default;
  StockReader(const StockReader&) = delete;
  StockReader& operator=(const StockReader&) = delete;

  // The quantity on hand of each of these variants, by variant id; a variant missing from the
  // result has none. For display: taking stock (checkout) is the inventory module's own conditional
  // statement, never this read. Throws core::Error(unavailable) when its data cannot be read.
  [[nodiscard]] virtual std::map<std::int64_t, std::int64_t> on_hand(
      const std::vector<std::int64_t>& variant_ids) const = 0;
};

// The reader until inventory exists: variants.on_hand, read through db, which must outlive it.
[[nodiscard]] std::shared_ptr<const StockReader> variant_on_hand(db::Database& db);

}  // namespace ecom::catalog
