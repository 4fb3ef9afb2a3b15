// For the page tests: a seeded catalog (TestCatalog on SQLite) behind the storefront's real router
// with the repository's templates and assets, on an in-process server.
#pragma once

#include "app.hpp"
#include "catalog/test_catalog.hpp"
#include "http_client.hpp"
#include "test_server.hpp"

#include <ecom/catalog/catalog.hpp>
#include <ecom/web/templates.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ecom::storefront::test {

inline constexpr std::string_view kEvilTitle = "<script>alert(1)</script>";
inline constexpr std::string_view kEvilDescription = "Quotes \"&<>' and </script><script>alert(2)</script>";
inline constexpr int kSneakers = 30;  // more than one page of kPageSize

// Categories: clothing > shoes, accessories. Sneakers 1..30 in shoes: price 10.00 + n EUR, colour
// red (odd n) or blue (even n), stock n % 3 (every third one sold out). "evil" in accessories: a
// hostile title and description, two variants, on sale. "draft-thing" is a draft.
class Shop {
 public:
  Shop()
      : server_(make_router(Settings{"Demo Shop", "EUR", ECOM_SOURCE_DIR "/web", "/static", "https://shop.example",
                                     "/media", ECOM_SOURCE_DIR "/web/storefront/templates"},
                            http::StaticFiles::load(ECOM_SOURCE_DIR "/web", "/static"), seed(catalog_),
                            web::Templates::load(ECOM_SOURCE_DIR "/web/storefront/templates"))) {}

  [[nodiscard]] ecom::test::RawResponse get(std::string_view target,
                                            std::vector<std::pair<std::string, std::string>> headers = {}) {
    return ecom::test::fetch(server_.port(), "GET", target, headers);
  }
  [[nodiscard]] const CountingCache& cache() const noexcept { return catalog_.cache(); }
  [[nodiscard]] std::int64_t evil_variant(int index) const {
    return evil_variants_.at(static_cast<std::size_t>(index));
  }

 private:
  ecom::catalog::CatalogService& seed(TestCatalog& catalog) {
    using namespace ecom::catalog;
    auto& s = catalog.writer();
    s.create_category(NewCategory{"clothing", "Clothing", std::nullopt, 0});
    s.create_category(NewCategory{"shoes", "Shoes", std::string("clothing"), 0});
    s.create_category(NewCategory{"accessories", "Accessories", std::nullopt, 1});
    for (int n = 1; n <= kSneakers; ++n) {
      NewProduct p;
      p.slug = "sneaker-" + std::to_string(n);
      p.title = "Sneaker " + std::to_string(n);
      p.description = "A comfortable sneaker, model " + std::to_string(n) + ".";
      p.status = ProductStatus::active;
      p.category_slugs = {"shoes"};
      p.attributes = {Attribute{"colour", n % 2 == 1 ? "red" : "blue"}};
      const auto id = s.create_product(p);
      NewVariant v;
      v.sku = "SNK-" + std::to_string(n);
      v.title = "One size";
      v.price = Money{1000 + n * 100, "EUR"};
      v.on_hand = n % 3;
      s.add_variant(id, v);
    }
    NewProduct evil;
    evil.slug = "evil";
    evil.title = std::string(kEvilTitle);
    evil.description = std::string(kEvilDescription);
    evil.status = ProductStatus::active;
    evil.category_slugs = {"accessories"};
    evil.attributes = {Attribute{"material", "<b>steel</b>"}};
    const auto evil_id = s.create_product(evil);
    NewVariant small;
    small.sku = "EVIL-S";
    small.title = "Small";
    small.options = {{"size", "S"}};
    small.price = Money{1999, "EUR"};
    small.compare_at = Money{2999, "EUR"};
    small.on_hand = 3;
    evil_variants_[0] = s.add_variant(evil_id, small);
    NewVariant large = small;
    large.sku = "EVIL-L";
    large.title = "Large";
    large.options = {{"size", "L"}};
    large.price = Money{2499, "EUR"};
    large.compare_at.reset();
    large.on_hand = 0;
    evil_variants_[1] = s.add_variant(evil_id, large);
    NewProduct draft;
    draft.slug = "draft-thing";
    draft.title = "Draft thing";
    draft.status = ProductStatus::draft;
    s.create_product(draft);
    return catalog.service();
  }

  TestCatalog catalog_;
  std::array<std::int64_t, 2> evil_variants_{};
  ecom::test::TestServer server_;
};

}  // namespace ecom::storefront::test
