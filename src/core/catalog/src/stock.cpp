#include <ecom/catalog/stock.hpp>

#include <soci/soci.h>

namespace ecom::catalog {
namespace {

constexpr const char* kSelectOnHand = "SELECT id, on_hand FROM variants WHERE product_id = :product_id";

class VariantOnHand final : public StockReader {
 public:
  [[nodiscard]] std::map<std::int64_t, std::int64_t> on_hand(soci::session& sql,
                                                             std::int64_t product_id) const override {
    const long long pid = product_id;
    long long id = 0;
    long long quantity = 0;
    std::map<std::int64_t, std::int64_t> levels;
    soci::statement st =
        (sql.prepare << kSelectOnHand, soci::into(id), soci::into(quantity), soci::use(pid, "product_id"));
    st.execute();
    while (st.fetch()) {
      levels.emplace(id, quantity);
    }
    return levels;
  }
};

}  // namespace

std::shared_ptr<const StockReader> variant_on_hand() {
  static const auto kReader = std::make_shared<const VariantOnHand>();
  return kReader;
}

}  // namespace ecom::catalog
