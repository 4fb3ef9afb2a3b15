#include <ecom/catalog/stock.hpp>
#include <ecom/db/database.hpp>

#include <soci/soci.h>

namespace ecom::catalog {
namespace {

// One statement executed once per variant: a product has a handful of variants, and its read is
// cached, so this costs less than building an IN list of variable length.
constexpr const char* kSelectOnHand = "SELECT on_hand FROM variants WHERE id = :id";

class VariantOnHand final : public StockReader {
 public:
  explicit VariantOnHand(db::Database& db) : db_(db) {}

  [[nodiscard]] std::map<std::int64_t, std::int64_t> on_hand(
      const std::vector<std::int64_t>& variant_ids) const override {
    std::map<std::int64_t, std::int64_t> levels;
    if (variant_ids.empty()) {
      return levels;
    }
    db_.read("", db::Consistency::any, [&](soci::session& sql) {
      long long id = 0;
      long long quantity = 0;
      soci::statement st = (sql.prepare << kSelectOnHand, soci::into(quantity), soci::use(id, "id"));
      for (const auto variant_id : variant_ids) {
        id = variant_id;
        if (st.execute(true)) {
          levels.emplace(variant_id, quantity);
        }
      }
    });
    return levels;
  }

 private:
  db::Database& db_;
};

}  // namespace

std::shared_ptr<const StockReader> variant_on_hand(db::Database& db) {
  return std::make_shared<const VariantOnHand>(db);
}

}  // namespace ecom::catalog
