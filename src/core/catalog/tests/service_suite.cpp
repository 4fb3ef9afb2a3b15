#include "service_suite.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/catalog/catalog.hpp>
#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace ecom::catalog::test {
namespace {

using core::Error;
using core::ErrorCode;

constexpr const char* kSecret = "test-cursor-secret";

struct Fixture {
  explicit Fixture(db::Database& database)
      : db(database), cache(no_guard()), service(db, cache, CatalogOptions{kSecret, {}}) {}
  // Without the invalidation guard a value is cached again at once after a write, so the tests
  // see that invalidation, not the guard, keeps stale values away.
  static cache::LocalCacheOptions no_guard() {
    cache::LocalCacheOptions options;
    options.invalidation_guard = std::chrono::milliseconds(0);
    return options;
  }
  db::Database& db;
  cache::LocalCache cache;
  CatalogService service;
};

ErrorCode code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  FAIL("no core::Error thrown");
  return ErrorCode::internal;
}

std::string bad_parameter_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::bad_request);
    REQUIRE(e.details().size() == 1);
    return e.details().front().name;
  }
  FAIL("no core::Error thrown");
  return "";
}

NewProduct active(std::string slug, std::vector<std::string> categories = {}) {
  NewProduct p;
  p.slug = slug;
  p.title = "Product " + slug;
  p.status = ProductStatus::active;
  p.category_slugs = std::move(categories);
  return p;
}

NewVariant variant(std::string sku, std::int64_t amount) {
  NewVariant v;
  v.sku = std::move(sku);
  v.title = "Default";
  v.price = Money{amount, "EUR"};
  return v;
}

std::vector<std::string> walk(CatalogService& service, ListQuery query) {
  std::vector<std::string> slugs;
  for (int page = 0; page < 100; ++page) {
    auto result = service.list_products(query);
    for (const auto& item : result.items) {
      slugs.push_back(item.slug);
    }
    if (!result.next_cursor) {
      break;
    }
    query.cursor = result.next_cursor;
  }
  return slugs;
}

}  // namespace

void check_create_and_read_back(db::Database& db) {
  Fixture f(db);
  f.service.create_category({"clothing", "Clothing", std::nullopt, 1});
  f.service.create_category({"shirts", "Shirts", "clothing", 1});
  NewProduct p = active("linen-shirt", {"shirts", "clothing"});
  p.description = "A shirt of linen.";
  p.seo_title = "Linen shirt | Demo";
  p.seo_description = "Cool in summer.";
  p.attributes = {{"material", "linen"}, {"brand", "Acme"}};
  const auto id = f.service.create_product(p);
  NewVariant m = variant("SHIRT-M-RED", 1999);
  m.options = {{"size", "M"}, {"colour", "red"}};
  m.compare_at = Money{2499, "EUR"};
  m.weight_grams = 250;
  m.on_hand = 3;
  const auto vm = f.service.add_variant(id, m);
  const auto vl = f.service.add_variant(id, variant("SHIRT-L-RED", 2199));

  for (int round = 0; round < 2; ++round) {  // the second read comes from the cache
    const Product got = f.service.get_product("linen-shirt");
    CHECK(got.id == id);
    CHECK(got.title == "Product linen-shirt");
    CHECK(got.description == "A shirt of linen.");
    CHECK(got.status == ProductStatus::active);
    CHECK(got.seo_title == "Linen shirt | Demo");
    CHECK(got.seo_description == "Cool in summer.");
    CHECK(got.created_at_us > 0);
    REQUIRE(got.variants.size() == 2);
    CHECK(got.variants[0].id == vm);
    CHECK(got.variants[0].sku == "SHIRT-M-RED");
    CHECK(got.variants[0].options ==
          std::vector<std::pair<std::string, std::string>>{{"colour", "red"}, {"size", "M"}});
    CHECK(got.variants[0].price == Money{1999, "EUR"});
    CHECK(got.variants[0].compare_at == Money{2499, "EUR"});
    CHECK(got.variants[0].weight_grams == 250);
    CHECK(got.variants[0].on_hand == 3);
    CHECK(got.variants[1].id == vl);
    CHECK_FALSE(got.variants[1].compare_at);
    REQUIRE(got.categories.size() == 2);
    CHECK(got.categories[0].slug == "clothing");
    CHECK(got.categories[1].slug == "shirts");
    REQUIRE(got.attributes.size() == 2);
    CHECK(got.attributes[0].name == "brand");
    CHECK(got.attributes[0].value == "Acme");
    CHECK(got.attributes[1].name == "material");
  }
  CHECK(code_of([&] { (void)f.service.get_product("no-such-product"); }) == ErrorCode::not_found);
  CHECK(code_of([&] { (void)f.service.get_product("Bad Slug!"); }) == ErrorCode::not_found);
}

void check_drafts_invisible(db::Database& db) {
  Fixture f(db);
  NewProduct draft = active("draft-one");
  draft.status = ProductStatus::draft;
  const auto draft_id = f.service.create_product(draft);
  f.service.create_product(active("visible"));
  const auto archived = f.service.create_product(active("to-archive"));
  CHECK(f.service.get_product("to-archive").id == archived);  // cached now
  f.service.set_product_status(archived, ProductStatus::archived);

  CHECK(code_of([&] { (void)f.service.get_product("draft-one"); }) == ErrorCode::not_found);
  CHECK(code_of([&] { (void)f.service.get_product("to-archive"); }) == ErrorCode::not_found);
  CHECK(walk(f.service, ListQuery{}) == std::vector<std::string>{"visible"});

  f.service.set_product_status(draft_id, ProductStatus::active);
  CHECK(f.service.get_product("draft-one").id == draft_id);
  CHECK(code_of([&] { f.service.set_product_status(987654, ProductStatus::active); }) == ErrorCode::not_found);
}

void check_categories(db::Database& db) {
  Fixture f(db);
  CHECK(f.service.category_tree().empty());  // cached empty, then invalidated by the writes below
  f.service.create_category({"men", "Men", std::nullopt, 2});
  f.service.create_category({"women", "Women", std::nullopt, 1});
  f.service.create_category({"men-shoes", "Shoes", "men", 1});
  f.service.create_category({"men-boots", "Boots", "men-shoes", 1});
  f.service.create_product(active("boot", {"men-boots"}));
  f.service.create_product(active("sneaker", {"men-shoes"}));
  f.service.create_product(active("dress", {"women"}));
  f.service.create_product(active("uncategorised"));

  const auto tree = f.service.category_tree();
  REQUIRE(tree.size() == 2);
  CHECK(tree[0].slug == "women");
  CHECK(tree[1].slug == "men");
  REQUIRE(tree[1].children.size() == 1);
  CHECK(tree[1].children[0].slug == "men-shoes");
  REQUIRE(tree[1].children[0].children.size() == 1);
  CHECK(tree[1].children[0].children[0].slug == "men-boots");
  CHECK(tree[1].children[0].children[0].parent_id == tree[1].children[0].id);

  const auto shoes = f.service.get_category("men-shoes");
  CHECK(shoes.name == "Shoes");
  CHECK(shoes.children.size() == 1);
  CHECK(code_of([&] { (void)f.service.get_category("kids"); }) == ErrorCode::not_found);

  auto in = [&](const char* slug) {
    auto slugs = walk(f.service, ListQuery{slug, 24, std::nullopt});
    return std::set<std::string>(slugs.begin(), slugs.end());
  };
  CHECK(in("men") == std::set<std::string>{"boot", "sneaker"});
  CHECK(in("men-shoes") == std::set<std::string>{"boot", "sneaker"});
  CHECK(in("men-boots") == std::set<std::string>{"boot"});
  CHECK(in("women") == std::set<std::string>{"dress"});
  CHECK(walk(f.service, ListQuery{}).size() == 4);
}

void check_pagination(db::Database& db) {
  Fixture f(db);
  constexpr int kProducts = 57;
  for (int i = 0; i < kProducts; ++i) {
    const auto id = f.service.create_product(active("p-" + std::to_string(i)));
    f.service.add_variant(id, variant("SKU-" + std::to_string(i), 100 + i));
  }
  ListQuery query;
  query.limit = 10;
  const auto first = f.service.list_products(query);
  REQUIRE(first.items.size() == 10);
  CHECK(first.items[0].slug == "p-56");  // newest first
  REQUIRE(first.items[0].price_from);
  CHECK(*first.items[0].price_from == Money{156, "EUR"});
  CHECK(walk(f.service, query).size() == kProducts);

  // Walk again, adding a product before each page: every product that existed when the walk
  // began comes exactly once, and nothing comes twice.
  std::vector<std::string> seen;
  std::optional<std::string> cursor;
  int pages = 0;
  for (; pages < 20; ++pages) {
    f.service.create_product(active("late-" + std::to_string(pages)));
    query.cursor = cursor;
    auto page = f.service.list_products(query);
    for (const auto& item : page.items) {
      seen.push_back(item.slug);
    }
    cursor = page.next_cursor;
    if (!cursor) {
      break;
    }
  }
  CHECK(pages == 5);
  const std::set<std::string> unique(seen.begin(), seen.end());
  CHECK(unique.size() == seen.size());
  for (int i = 0; i < kProducts; ++i) {
    CHECK(unique.count("p-" + std::to_string(i)) == 1);
  }
}

void check_bad_queries(db::Database& db) {
  Fixture f(db);
  for (int i = 0; i < 3; ++i) {
    f.service.create_product(active("item-" + std::to_string(i)));
  }
  ListQuery query;
  query.limit = 1;
  const auto page = f.service.list_products(query);
  REQUIRE(page.next_cursor);
  std::string tampered = *page.next_cursor;
  tampered[0] = tampered[0] == 'A' ? 'B' : 'A';
  query.cursor = tampered;
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(query); }) == "cursor");
  query.cursor = "not-a-cursor";
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(query); }) == "cursor");
  query.cursor = "";
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(query); }) == "cursor");

  // A cursor signed with another key (another deployment) is refused too.
  cache::LocalCache other_cache(cache::LocalCacheOptions{});
  CatalogService other(db, other_cache, CatalogOptions{"another-secret", {}});
  query.cursor = other.list_products(ListQuery{std::nullopt, 1, std::nullopt}).next_cursor;
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(query); }) == "cursor");

  CHECK(bad_parameter_of([&] { (void)f.service.list_products(ListQuery{std::nullopt, 0, std::nullopt}); }) == "limit");
  CHECK(bad_parameter_of([&] {
          (void)f.service.list_products(ListQuery{std::nullopt, 101, std::nullopt});
        }) == "limit");
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(ListQuery{"nowhere", 10, std::nullopt}); }) == "category");
}

void check_cache_invalidation(db::Database& db) {
  Fixture f(db);
  const auto id = f.service.create_product(active("mug"));
  const auto vid = f.service.add_variant(id, variant("MUG-1", 900));
  CHECK(f.service.get_product("mug").variants.at(0).price == Money{900, "EUR"});
  CHECK(f.cache.get("catalog:product:" + std::to_string(id)));  // served from the cache now

  f.service.set_variant_price(vid, Money{1100, "EUR"}, Money{1500, "EUR"});
  const auto after = f.service.get_product("mug");
  CHECK(after.variants.at(0).price == Money{1100, "EUR"});
  CHECK(after.variants.at(0).compare_at == Money{1500, "EUR"});
  CHECK(f.service.get_product("mug").variants.at(0).price == Money{1100, "EUR"});  // and from the cache
  CHECK(after.version >= 3);  // created, variant added, price changed

  f.service.add_variant(id, variant("MUG-2", 800));
  CHECK(f.service.get_product("mug").variants.size() == 2);
  CHECK(code_of([&] { f.service.set_variant_price(987654, Money{1, "EUR"}, std::nullopt); }) == ErrorCode::not_found);
}

void check_write_rules(db::Database& db) {
  Fixture f(db);
  const auto id = f.service.create_product(active("lamp"));
  f.service.add_variant(id, variant("LAMP-1", 5000));
  f.service.create_category({"home", "Home", std::nullopt, 0});
  CHECK(code_of([&] { f.service.create_product(active("lamp")); }) == ErrorCode::conflict);
  CHECK(code_of([&] { f.service.add_variant(id, variant("LAMP-1", 1)); }) == ErrorCode::conflict);
  CHECK(code_of([&] { f.service.create_category({"home", "Home", std::nullopt, 0}); }) == ErrorCode::conflict);
  CHECK(code_of([&] { f.service.create_product(active("Not A Slug")); }) == ErrorCode::unprocessable);
  CHECK(code_of([&] { f.service.create_product(active("orphan", {"missing"})); }) == ErrorCode::unprocessable);
  CHECK(code_of([&] { f.service.add_variant(id, variant("LAMP-2", -1)); }) == ErrorCode::unprocessable);
  NewVariant euro_dollar = variant("LAMP-3", 100);
  euro_dollar.compare_at = Money{200, "USD"};
  CHECK(code_of([&] { f.service.add_variant(id, euro_dollar); }) == ErrorCode::unprocessable);
  NewVariant lower = variant("LAMP-4", 100);
  lower.price.currency = "eur";
  CHECK(code_of([&] { f.service.add_variant(id, lower); }) == ErrorCode::unprocessable);
  CHECK(code_of([&] { f.service.add_variant(987654, variant("LAMP-5", 1)); }) == ErrorCode::not_found);
  // A failed write left nothing behind: the orphan's row was rolled back.
  CHECK(code_of([&] { (void)f.service.get_product("orphan"); }) == ErrorCode::not_found);
}

}  // namespace ecom::catalog::test
