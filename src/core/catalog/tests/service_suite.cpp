#include "service_suite.hpp"

#include "catalog_writer.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/catalog/admin.hpp>
#include <ecom/catalog/catalog.hpp>
#include <ecom/catalog/json.hpp>
#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace ecom::catalog::test {
namespace {

using core::Error;
using core::ErrorCode;

constexpr const char* kSecret = "test-cursor-secret";

struct Fixture {
  explicit Fixture(db::Database& database, SearchIndexMode index = SearchIndexMode::off)
      : db(database), cache(no_guard()), service(db, cache, options(index)), shop(db, cache) {}
  static CatalogOptions options(SearchIndexMode index) {
    CatalogOptions options{kSecret, {}};
    options.search_index = index;
    return options;
  }
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
  test::CatalogWriter shop;  // writes go through the admin's path
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

ListQuery list_query(int limit, std::optional<std::string> category = std::nullopt) {
  ListQuery query;
  query.limit = limit;
  query.category = std::move(category);
  return query;
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
  f.shop.create_category({"clothing", "Clothing", std::nullopt, 1});
  f.shop.create_category({"shirts", "Shirts", "clothing", 1});
  NewProduct p = active("linen-shirt", {"shirts", "clothing"});
  p.description = "A shirt of linen.";
  p.seo_title = "Linen shirt | Demo";
  p.seo_description = "Cool in summer.";
  p.attributes = {{"material", "linen"}, {"brand", "Acme"}};
  const auto id = f.shop.create_product(p);
  NewVariant m = variant("SHIRT-M-RED", 1999);
  m.options = {{"size", "M"}, {"colour", "red"}};
  m.compare_at = Money{2499, "EUR"};
  m.weight_grams = 250;
  m.on_hand = 3;
  const auto vm = f.shop.add_variant(id, m);
  const auto vl = f.shop.add_variant(id, variant("SHIRT-L-RED", 2199));

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

void check_drafts_invisible(db::Database& db, SearchIndexMode index) {
  Fixture f(db, index);
  NewProduct draft = active("draft-one");
  draft.status = ProductStatus::draft;
  const auto draft_id = f.shop.create_product(draft);
  f.shop.create_product(active("visible"));
  const auto archived = f.shop.create_product(active("to-archive"));
  CHECK(f.service.get_product("to-archive").id == archived);  // cached now
  f.shop.set_product_status(archived, ProductStatus::archived);

  CHECK(code_of([&] { (void)f.service.get_product("draft-one"); }) == ErrorCode::not_found);
  CHECK(code_of([&] { (void)f.service.get_product("to-archive"); }) == ErrorCode::not_found);
  CHECK(walk(f.service, ListQuery{}) == std::vector<std::string>{"visible"});

  f.shop.set_product_status(draft_id, ProductStatus::active);
  CHECK(f.service.get_product("draft-one").id == draft_id);
  CHECK(code_of([&] { f.shop.set_product_status(987654, ProductStatus::active); }) == ErrorCode::not_found);
}

void check_categories(db::Database& db, SearchIndexMode index) {
  Fixture f(db, index);
  CHECK(f.service.category_tree().empty());  // cached empty, then invalidated by the writes below
  f.shop.create_category({"men", "Men", std::nullopt, 2});
  f.shop.create_category({"women", "Women", std::nullopt, 1});
  f.shop.create_category({"men-shoes", "Shoes", "men", 1});
  f.shop.create_category({"men-boots", "Boots", "men-shoes", 1});
  f.shop.create_product(active("boot", {"men-boots"}));
  f.shop.create_product(active("sneaker", {"men-shoes"}));
  f.shop.create_product(active("dress", {"women"}));
  f.shop.create_product(active("uncategorised"));

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
    auto slugs = walk(f.service, list_query(24, slug));
    return std::set<std::string>(slugs.begin(), slugs.end());
  };
  CHECK(in("men") == std::set<std::string>{"boot", "sneaker"});
  CHECK(in("men-shoes") == std::set<std::string>{"boot", "sneaker"});
  CHECK(in("men-boots") == std::set<std::string>{"boot"});
  CHECK(in("women") == std::set<std::string>{"dress"});
  CHECK(walk(f.service, ListQuery{}).size() == 4);
}

void check_pagination(db::Database& db, SearchIndexMode index) {
  Fixture f(db, index);
  constexpr int kProducts = 57;
  for (int i = 0; i < kProducts; ++i) {
    const auto id = f.shop.create_product(active("p-" + std::to_string(i)));
    f.shop.add_variant(id, variant("SKU-" + std::to_string(i), 100 + i));
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
    f.shop.create_product(active("late-" + std::to_string(pages)));
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

void check_bad_queries(db::Database& db, SearchIndexMode index) {
  Fixture f(db, index);
  for (int i = 0; i < 3; ++i) {
    f.shop.create_product(active("item-" + std::to_string(i)));
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
  query.cursor = other.list_products(list_query(1)).next_cursor;
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(query); }) == "cursor");

  CHECK(bad_parameter_of([&] { (void)f.service.list_products(list_query(0)); }) == "limit");
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(list_query(101)); }) == "limit");
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(list_query(10, "nowhere")); }) == "category");
}

void check_search(db::Database& db, SearchIndexMode index) {
  Fixture f(db, index);
  const auto product = [&](std::string slug, std::string title, std::string description,
                           ProductStatus status = ProductStatus::active) {
    NewProduct p = active(std::move(slug));
    p.title = std::move(title);
    p.description = std::move(description);
    p.status = status;
    return f.shop.create_product(p);
  };
  product("canvas-shoe", "Canvas shoe", "Summer shoes in cotton.");
  product("trail-sneaker", "Trail sneaker", "A light running shoe for trails.");
  product("leather-boot", "Leather boot", "A sturdy shoe for winter.");
  product("wool-hat", "Wool hat", "Keeps you warm.");
  product("draft-shoe", "Draft shoe", "Not yet on sale.", ProductStatus::draft);
  const auto search = [&](std::string q) {
    ListQuery query;
    query.q = std::move(q);
    return walk(f.service, query);
  };

  // A title word ranks that product first; "shoes" finds "shoe" (stemming); drafts never show.
  const auto shoes = search("shoes");
  REQUIRE(shoes.size() == 3);
  CHECK(shoes[0] == "canvas-shoe");
  CHECK(std::set<std::string>(shoes.begin(), shoes.end()) ==
        std::set<std::string>{"canvas-shoe", "trail-sneaker", "leather-boot"});
  CHECK(search("Boot") == std::vector<std::string>{"leather-boot"});
  // The last word is a prefix; earlier words are whole.
  CHECK(search("sne") == std::vector<std::string>{"trail-sneaker"});
  CHECK(search("running sne") == std::vector<std::string>{"trail-sneaker"});
  CHECK(search("runn trail").empty());
  // Operators of FTS5 or tsquery are only separators: nothing is negated, ORed or injected.
  CHECK(search("-hat") == std::vector<std::string>{"wool-hat"});
  CHECK(search("shoe\" OR hat NEAR(").empty());
  CHECK(search("hat') OR 1=1 --").empty());
  CHECK(search("nothing-matches-this").empty());
  CHECK(bad_parameter_of([&] { (void)search("*:& !"); }) == "q");
  CHECK(bad_parameter_of([&] { (void)search(std::string(kMaxSearchLength + 1, 'a')); }) == "q");
  CHECK(bad_parameter_of([&] { (void)search("a b c d e f g h i j k"); }) == "q");

  // Search results page by offset; every match comes once.
  for (int i = 0; i < 12; ++i) {
    product("lamp-" + std::to_string(i), "Desk lamp " + std::to_string(i), "Warm light.");
  }
  ListQuery lamps;
  lamps.q = "lamp";
  lamps.limit = 5;
  const auto walked = walk(f.service, lamps);
  CHECK(walked.size() == 12);
  CHECK(std::set<std::string>(walked.begin(), walked.end()).size() == 12);

  // A search cursor works only for the same search; a listing cursor not for a search.
  const auto page = f.service.list_products(lamps);
  REQUIRE(page.next_cursor);
  ListQuery other = lamps;
  other.cursor = page.next_cursor;
  CHECK(f.service.list_products(other).items.size() == 5);
  other.q = "desk";
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(other); }) == "cursor");
  other.q.reset();
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(other); }) == "cursor");
  ListQuery plain;
  plain.limit = 1;
  other.cursor = f.service.list_products(plain).next_cursor;
  other.q = "lamp";
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(other); }) == "cursor");
}

void check_sorts(db::Database& db, SearchIndexMode index) {
  Fixture f(db, index);
  // Prices with ties (so the id decides) and a product without variants (last either way).
  const std::vector<std::pair<std::string, std::int64_t>> priced = {{"delta", 300},   {"alpha", 100}, {"echo", 300},
                                                                    {"charlie", 200}, {"bravo", 500}, {"foxtrot", 100}};
  for (std::size_t i = 0; i < priced.size(); ++i) {
    const auto id = f.shop.create_product(active(priced[i].first));
    f.shop.add_variant(id, variant("SKU-" + priced[i].first, priced[i].second));
    f.shop.add_variant(id, variant("SKU-" + priced[i].first + "-big", priced[i].second + 1000));
  }
  f.shop.create_product(active("golf"));
  const auto sorted = [&](ListSort sort) {
    ListQuery query;
    query.sort = sort;
    query.limit = 2;  // several pages, so the keyset of each sort is exercised
    return walk(f.service, query);
  };
  CHECK(sorted(ListSort::price_asc) ==
        std::vector<std::string>{"alpha", "foxtrot", "charlie", "delta", "echo", "bravo", "golf"});
  CHECK(sorted(ListSort::price_desc) ==
        std::vector<std::string>{"bravo", "echo", "delta", "charlie", "foxtrot", "alpha", "golf"});
  CHECK(sorted(ListSort::name) ==
        std::vector<std::string>{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"});
  CHECK(sorted(ListSort::newest) ==
        std::vector<std::string>{"golf", "foxtrot", "bravo", "charlie", "echo", "alpha", "delta"});
  CHECK(walk(f.service, ListQuery{}) == sorted(ListSort::newest));

  // A cursor belongs to its sort; relevance needs a search.
  ListQuery query;
  query.sort = ListSort::price_asc;
  query.limit = 2;
  query.cursor = f.service.list_products(query).next_cursor;
  REQUIRE(query.cursor);
  CHECK(f.service.list_products(query).items.at(0).slug == "charlie");
  query.sort = ListSort::price_desc;
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(query); }) == "cursor");
  query.sort.reset();
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(query); }) == "cursor");
  ListQuery relevance;
  relevance.sort = ListSort::relevance;
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(relevance); }) == "sort");

  // A search in another order: only the matches, by price.
  ListQuery search;
  search.q = "product";
  search.sort = ListSort::price_desc;
  search.limit = 3;
  CHECK(walk(f.service, search) == sorted(ListSort::price_desc));
  CHECK(parse_sort("price_asc") == ListSort::price_asc);
  CHECK_FALSE(parse_sort("price"));
  CHECK_FALSE(parse_sort(""));
}

void check_filters(db::Database& db, SearchIndexMode index) {
  Fixture f(db, index);
  struct Row {
    std::string slug;
    std::int64_t price;  // < 0: no variant
    std::int64_t on_hand;
    std::vector<Attribute> attributes;
  };
  const std::vector<Row> rows = {
      {"acme-red", 1000, 5, {{"brand", "Acme"}, {"colour", "red"}}},
      {"acme-blue", 2000, 0, {{"brand", "Acme"}, {"colour", "blue"}}},
      {"zeta-red", 3000, 1, {{"brand", "Zeta"}, {"colour", "red"}}},
      {"omega", 4000, 0, {{"brand", "Omega"}}},
      {"no-variant", -1, 0, {{"brand", "Acme"}}},
  };
  for (const auto& row : rows) {
    NewProduct p = active(row.slug);
    p.attributes = row.attributes;
    const auto id = f.shop.create_product(p);
    if (row.price >= 0) {
      NewVariant v = variant("SKU-" + row.slug, row.price);
      v.on_hand = row.on_hand;
      f.shop.add_variant(id, v);
    }
  }
  const auto found = [&](ListQuery query) {
    query.sort = ListSort::price_asc;
    query.limit = 1;  // every filter is checked across pages too
    return walk(f.service, query);
  };
  ListQuery query;
  query.min_price = 2000;
  CHECK(found(query) == std::vector<std::string>{"acme-blue", "zeta-red", "omega"});
  query.max_price = 3000;
  CHECK(found(query) == std::vector<std::string>{"acme-blue", "zeta-red"});
  query.min_price.reset();
  CHECK(found(query) == std::vector<std::string>{"acme-red", "acme-blue", "zeta-red"});

  ListQuery stock;
  stock.in_stock = true;
  CHECK(found(stock) == std::vector<std::string>{"acme-red", "zeta-red"});
  stock.in_stock = false;
  CHECK(found(stock) == std::vector<std::string>{"acme-blue", "omega", "no-variant"});

  ListQuery attrs;
  attrs.attributes = {{"brand", {"Acme"}}};
  CHECK(found(attrs) == std::vector<std::string>{"acme-red", "acme-blue", "no-variant"});
  attrs.attributes = {{"brand", {"Acme", "Zeta"}}, {"colour", {"red"}}};
  CHECK(found(attrs) == std::vector<std::string>{"acme-red", "zeta-red"});
  attrs.attributes = {{"brand", {"acme"}}};  // values match exactly
  CHECK(found(attrs).empty());
  attrs.attributes = {{"brand", {"Acme"}}};
  attrs.in_stock = true;
  attrs.max_price = 1500;
  CHECK(found(attrs) == std::vector<std::string>{"acme-red"});

  // Bad filters name their parameter; a reversed range names both bounds.
  ListQuery bad;
  bad.min_price = -1;
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(bad); }) == "min_price");
  bad.min_price.reset();
  bad.max_price = -5;
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(bad); }) == "max_price");
  bad.min_price = 300;
  bad.max_price = 200;
  try {
    (void)f.service.list_products(bad);
    FAIL("a reversed range was accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::bad_request);
    REQUIRE(e.details().size() == 2);
    CHECK(e.details()[0].name == "min_price");
    CHECK(e.details()[1].name == "max_price");
  }
  ListQuery many;
  for (std::size_t i = 0; i <= kMaxAttributeFilters; ++i) {
    many.attributes.push_back({"a" + std::to_string(i), {"x"}});
  }
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(many); }) == "attr.a4");
  ListQuery values;
  values.attributes = {{"brand", std::vector<std::string>(kMaxAttributeValues + 1, "x")}};
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(values); }) == "attr.brand");

  // A cursor belongs to its filters.
  ListQuery paged;
  paged.in_stock = true;
  paged.limit = 1;
  paged.cursor = f.service.list_products(paged).next_cursor;
  REQUIRE(paged.cursor);
  paged.in_stock = false;
  CHECK(bad_parameter_of([&] { (void)f.service.list_products(paged); }) == "cursor");
}

void check_cache_invalidation(db::Database& db) {
  Fixture f(db);
  const auto id = f.shop.create_product(active("mug"));
  const auto vid = f.shop.add_variant(id, variant("MUG-1", 900));
  CHECK(f.service.get_product("mug").variants.at(0).price == Money{900, "EUR"});
  CHECK(f.cache.get("catalog:product:" + std::to_string(id)));  // served from the cache now

  f.shop.set_variant_price(id, vid, Money{1100, "EUR"}, Money{1500, "EUR"});
  const auto after = f.service.get_product("mug");
  CHECK(after.variants.at(0).price == Money{1100, "EUR"});
  CHECK(after.variants.at(0).compare_at == Money{1500, "EUR"});
  CHECK(f.service.get_product("mug").variants.at(0).price == Money{1100, "EUR"});  // and from the cache
  CHECK(after.version >= 3);  // created, variant added, price changed

  f.shop.add_variant(id, variant("MUG-2", 800));
  CHECK(f.service.get_product("mug").variants.size() == 2);
  CHECK(code_of([&] { f.shop.set_variant_price(id, 987654, Money{1, "EUR"}, std::nullopt); }) == ErrorCode::not_found);
}

void check_write_rules(db::Database& db) {
  Fixture f(db);
  const auto id = f.shop.create_product(active("lamp"));
  f.shop.add_variant(id, variant("LAMP-1", 5000));
  f.shop.create_category({"home", "Home", std::nullopt, 0});
  CHECK(code_of([&] { f.shop.create_product(active("lamp")); }) == ErrorCode::conflict);
  CHECK(code_of([&] { f.shop.add_variant(id, variant("LAMP-1", 1)); }) == ErrorCode::conflict);
  CHECK(code_of([&] { f.shop.create_category({"home", "Home", std::nullopt, 0}); }) == ErrorCode::conflict);
  CHECK(code_of([&] { f.shop.create_product(active("Not A Slug")); }) == ErrorCode::unprocessable);
  CHECK(code_of([&] { f.shop.create_product(active("orphan", {"missing"})); }) == ErrorCode::unprocessable);
  CHECK(code_of([&] { f.shop.add_variant(id, variant("LAMP-2", -1)); }) == ErrorCode::unprocessable);
  NewVariant euro_dollar = variant("LAMP-3", 100);
  euro_dollar.compare_at = Money{200, "USD"};
  CHECK(code_of([&] { f.shop.add_variant(id, euro_dollar); }) == ErrorCode::unprocessable);
  NewVariant lower = variant("LAMP-4", 100);
  lower.price.currency = "eur";
  CHECK(code_of([&] { f.shop.add_variant(id, lower); }) == ErrorCode::unprocessable);
  // Three capital letters are not enough: the code must be in money's ISO 4217 table.
  NewVariant made_up = variant("LAMP-6", 100);
  made_up.price.currency = "ABC";
  CHECK(code_of([&] { f.shop.add_variant(id, made_up); }) == ErrorCode::unprocessable);
  NewVariant yen = variant("LAMP-7", 100);
  yen.price.currency = "JPY";
  CHECK_NOTHROW(f.shop.add_variant(id, yen));
  CHECK(code_of([&] { f.shop.add_variant(987654, variant("LAMP-5", 1)); }) == ErrorCode::not_found);
  // A failed write left nothing behind: the orphan's row was rolled back.
  CHECK(code_of([&] { (void)f.service.get_product("orphan"); }) == ErrorCode::not_found);
}

void check_facets(db::Database& db, SearchIndexMode index) {
  Fixture f(db, index);
  f.shop.create_category({"clothing", "Clothing", std::nullopt, 0});
  f.shop.create_category({"shirts", "Shirts", "clothing", 0});
  f.shop.create_category({"shoes", "Shoes", "clothing", 1});
  f.shop.create_category({"home", "Home", std::nullopt, 1});
  struct Row {
    std::string slug;
    std::vector<std::string> categories;
    std::int64_t price;  // < 0: no variant
    std::int64_t on_hand;
    std::vector<Attribute> attributes;
  };
  const std::vector<Row> rows = {
      {"p1", {"shirts"}, 1000, 5, {{"brand", "Acme"}, {"colour", "red"}}},
      {"p2", {"shirts", "shoes"}, 2000, 0, {{"brand", "Acme"}}},
      {"p3", {"shoes"}, 3000, 1, {{"brand", "Zeta"}}},
      {"p4", {"home"}, 500, 0, {{"brand", "Omega"}}},
      {"p5", {"clothing"}, -1, 0, {{"brand", "Acme"}}},
  };
  for (const auto& row : rows) {
    NewProduct p = active(row.slug, row.categories);
    p.attributes = row.attributes;
    const auto id = f.shop.create_product(p);
    if (row.price >= 0) {
      NewVariant v = variant("SKU-" + row.slug, row.price);
      v.on_hand = row.on_hand;
      f.shop.add_variant(id, v);
    }
  }
  NewProduct draft = active("draft", {"shirts"});
  draft.status = ProductStatus::draft;
  draft.attributes = {{"brand", "Acme"}};
  f.shop.create_product(draft);

  using Values = std::vector<FacetValue>;
  const auto same = [](const Values& actual, const Values& expected) {
    REQUIRE(actual.size() == expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i) {
      CHECK(actual[i].value == expected[i].value);
      CHECK(actual[i].label == expected[i].label);
      CHECK(actual[i].count == expected[i].count);
    }
  };
  const auto attribute = [](const Facets& facets, const std::string& name) {
    for (const auto& [n, values] : facets.attributes) {
      if (n == name) {
        return values;
      }
    }
    return Values{};
  };

  ListQuery query = list_query(2);
  CHECK_FALSE(f.service.list_products(query).facets);  // only when asked
  query.facets = true;
  auto page = f.service.list_products(query);
  CHECK(page.items.size() == 2);  // facets count every match, not just this page
  REQUIRE(page.facets);
  CHECK(page.facets->total == 5);
  CHECK(page.facets->in_stock == 2);
  same(page.facets->categories, {{"clothing", "Clothing", 4}, {"home", "Home", 1}});
  same(attribute(*page.facets, "brand"), {{"Acme", "Acme", 3}, {"Omega", "Omega", 1}, {"Zeta", "Zeta", 1}});
  same(attribute(*page.facets, "colour"), {{"red", "red", 1}});
  CHECK(page.facets->min_price == Money{500, "EUR"});
  CHECK(page.facets->max_price == Money{3000, "EUR"});

  // Within a category: its sub-categories, a product in both counted in each.
  query.category = "clothing";
  page = f.service.list_products(query);
  REQUIRE(page.facets);
  CHECK(page.facets->total == 4);
  same(page.facets->categories, {{"shirts", "Shirts", 2}, {"shoes", "Shoes", 2}});

  // Filters narrow the counts.
  query.attributes = {{"brand", {"Acme"}}};
  page = f.service.list_products(query);
  REQUIRE(page.facets);
  CHECK(page.facets->total == 3);
  CHECK(page.facets->in_stock == 1);
  same(page.facets->categories, {{"shirts", "Shirts", 2}, {"shoes", "Shoes", 1}});
  CHECK(page.facets->min_price == Money{1000, "EUR"});
  CHECK(page.facets->max_price == Money{2000, "EUR"});
  // The filtered attribute counts its values without its own filter (the other brands a shopper
  // could add), under the other filters (clothing); the other attributes count under all filters.
  same(attribute(*page.facets, "brand"), {{"Acme", "Acme", 3}, {"Zeta", "Zeta", 1}});
  same(attribute(*page.facets, "colour"), {{"red", "red", 1}});
  // An attribute filter that matches nothing still lists the values one could pick instead.
  ListQuery nothing = list_query(10, "clothing");
  nothing.facets = true;
  nothing.attributes = {{"brand", {"Omega"}}};
  page = f.service.list_products(nothing);
  REQUIRE(page.facets);
  CHECK(page.facets->total == 0);
  same(attribute(*page.facets, "brand"), {{"Acme", "Acme", 3}, {"Zeta", "Zeta", 1}});
  CHECK(attribute(*page.facets, "colour").empty());

  ListQuery priced = list_query(10);
  priced.facets = true;
  priced.min_price = 1500;
  page = f.service.list_products(priced);
  REQUIRE(page.facets);
  CHECK(page.facets->total == 2);
  same(attribute(*page.facets, "brand"), {{"Acme", "Acme", 1}, {"Zeta", "Zeta", 1}});

  ListQuery leaf = list_query(10, "shoes");
  leaf.facets = true;
  page = f.service.list_products(leaf);
  REQUIRE(page.facets);
  CHECK(page.facets->total == 2);
  CHECK(page.facets->categories.empty());  // a leaf has no sub-categories

  ListQuery none = list_query(10);
  none.facets = true;
  none.min_price = 999999;
  page = f.service.list_products(none);
  REQUIRE(page.facets);
  CHECK(page.facets->total == 0);
  CHECK(page.facets->categories.empty());
  CHECK_FALSE(page.facets->min_price);
}

void check_listing_cache(db::Database& db) {
  Fixture f(db);
  const auto id = f.shop.create_product(active("first"));
  const auto vid = f.shop.add_variant(id, variant("FIRST-1", 100));
  ListQuery query = list_query(10);
  query.facets = true;
  CHECK(f.service.list_products(query).items.size() == 1);
  // A row written behind the service's back is not seen: the page came from the cache.
  db.transact("", [](soci::session& sql) {
    sql << "INSERT INTO products (slug, title, status, created_at, updated_at) "
           "VALUES ('sneaky', 'Sneaky', 'active', 1, 1)";
  });
  const auto cached = f.service.list_products(query);
  CHECK(cached.items.size() == 1);
  REQUIRE(cached.facets);
  CHECK(cached.facets->total == 1);
  // Any change through the service invalidates every cached listing.
  f.shop.set_variant_price(id, vid, Money{200, "EUR"}, std::nullopt);
  const auto fresh = f.service.list_products(query);
  REQUIRE(fresh.items.size() == 2);
  CHECK(fresh.items.front().slug == "first");  // newest first: sneaky was created at 1 us
  CHECK(fresh.items.front().price_from == Money{200, "EUR"});
  REQUIRE(fresh.facets);
  CHECK(fresh.facets->total == 2);

  // With listing_ttl 0 nothing is cached.
  cache::LocalCache uncached_cache(Fixture::no_guard());
  CatalogService uncached(db, uncached_cache, CatalogOptions{kSecret, {}, std::chrono::milliseconds(0)});
  CHECK(uncached.list_products(query).items.size() == 2);
  db.transact("", [](soci::session& sql) {
    sql << "INSERT INTO products (slug, title, status, created_at, updated_at) "
           "VALUES ('sneakier', 'Sneakier', 'active', 2, 2)";
  });
  CHECK(uncached.list_products(query).items.size() == 3);
}

void check_card_images(db::Database& db, SearchIndexMode index) {
  Fixture f(db, index);
  const auto with = f.shop.create_product(active("with-images"));
  f.shop.create_product(active("without-images"));
  const long long pid = with;
  db.transact("", [pid](soci::session& sql) {
    sql << "INSERT INTO product_images (product_id, path, alt, width, height, position, created_at) "
           "VALUES (:p, 'products/1/b.png', 'Back', 300, 200, 1, 1)",
        soci::use(pid, "p");
    sql << "INSERT INTO product_images (product_id, path, alt, width, height, position, created_at) "
           "VALUES (:p, 'products/1/a.png', 'Front', 400, 500, 0, 2)",
        soci::use(pid, "p");
  });
  f.shop.set_product_status(with, ProductStatus::active);  // a write: invalidates the cached pages
  ListQuery query = list_query(10);
  query.sort = ListSort::name;
  const auto page = f.service.list_products(query);
  REQUIRE(page.items.size() == 2);
  REQUIRE(page.items[0].slug == "with-images");
  REQUIRE(page.items[0].image);
  CHECK(page.items[0].image->path == "products/1/a.png");  // the first by position
  CHECK(page.items[0].image->alt == "Front");
  CHECK(page.items[0].image->width == 400);
  CHECK(page.items[0].image->height == 500);
  CHECK_FALSE(page.items[1].image);
  // From the cache it reads back the same.
  const auto cached = f.service.list_products(query);
  REQUIRE(cached.items[0].image);
  CHECK(cached.items[0].image->path == "products/1/a.png");
  CHECK(cached.items[0].image->height == 500);
  const auto json = to_json(cached, "https://cdn.example/media").as_object();
  const auto& image = json.at("items").as_array().at(0).as_object().at("image").as_object();
  CHECK(image.at("url").as_string() == "https://cdn.example/media/products/1/a.png");
  CHECK(json.at("items").as_array().at(1).as_object().at("image").is_null());
  // The product detail lists both, by position.
  const auto product = f.service.get_product("with-images");
  REQUIRE(product.images.size() == 2);
  CHECK(product.images[0].alt == "Front");
  CHECK(product.images[1].alt == "Back");
}

void check_listing_columns_follow_variants(db::Database& db, SearchIndexMode index) {
  Fixture f(db, index);
  CatalogAdmin admin(db, f.cache);
  const auto id = f.shop.create_product(active("lamp"));
  NewVariant dear = variant("LAMP-DEAR", 500);
  NewVariant cheap = variant("LAMP-CHEAP", 300);
  cheap.on_hand = 2;
  const auto dear_id = f.shop.add_variant(id, dear);
  const auto cheap_id = f.shop.add_variant(id, cheap);
  const auto listed = [&](std::optional<bool> in_stock) {
    ListQuery query = list_query(10);
    query.in_stock = in_stock;
    return f.service.list_products(query).items;
  };
  REQUIRE(listed(std::nullopt).size() == 1);
  CHECK(listed(std::nullopt)[0].price_from == Money{300, "EUR"});
  CHECK(listed(true).size() == 1);
  CHECK(listed(false).empty());

  // Stock sold out through the admin: the product leaves the in-stock listing.
  VariantChanges sold_out;
  sold_out.on_hand = 0;
  admin.update_variant(id, cheap_id, sold_out, admin.get_product(id).version);
  CHECK(listed(true).empty());
  CHECK(listed(false).size() == 1);
  // The cheapest variant removed: the next one's price shows, and filters follow it.
  admin.delete_variant(id, cheap_id, admin.get_product(id).version);
  CHECK(listed(std::nullopt)[0].price_from == Money{500, "EUR"});
  ListQuery cheap_only = list_query(10);
  cheap_only.max_price = 400;
  CHECK(f.service.list_products(cheap_only).items.empty());
  // A price change moves it again; no variant at all leaves it unpriced.
  f.shop.set_variant_price(id, dear_id, Money{250, "EUR"}, std::nullopt);
  CHECK(f.service.list_products(cheap_only).items.size() == 1);
  admin.delete_variant(id, dear_id, admin.get_product(id).version);
  CHECK_FALSE(listed(std::nullopt)[0].price_from);
  CHECK(f.service.list_products(cheap_only).items.empty());
}

void check_catalog_view(db::Database& db) {
  Fixture f(db);
  (void)f.shop.create_product(active("kettle"));
  int renders = 0;
  const auto render = [&] {
    ++renders;
    return "rendered " + std::to_string(renders);
  };
  CHECK(f.service.catalog_view("sitemap.xml", render) == "rendered 1");
  CHECK(f.service.catalog_view("sitemap.xml", render) == "rendered 1");  // from the cache
  CHECK(renders == 1);
  (void)f.shop.create_product(active("teapot"));  // any catalog write
  CHECK(f.service.catalog_view("sitemap.xml", render) == "rendered 2");
  f.shop.create_category({"kitchen", "Kitchen", std::nullopt, 0});
  CHECK(f.service.catalog_view("sitemap.xml", render) == "rendered 3");
  CHECK(f.service.catalog_view("other", render) == "rendered 4");
}

void check_product_view(db::Database& db) {
  Fixture f(db);
  const auto id = f.shop.create_product(active("kettle"));
  const auto vid = f.shop.add_variant(id, variant("KETTLE-1", 2500));
  int renders = 0;
  const auto render = [&](const Product& p) {
    ++renders;
    return p.title + " at " + std::to_string(p.variants.at(0).price.amount);
  };
  CHECK(f.service.product_view("kettle", "page:-", render) == "Product kettle at 2500");
  CHECK(f.service.product_view("kettle", "page:-", render) == "Product kettle at 2500");
  CHECK(renders == 1);  // the second came from the cache
  CHECK(f.service.product_view("kettle", "page:other", render) == "Product kettle at 2500");
  CHECK(renders == 2);  // another view of the same product is its own entry

  // A product change renders again, and so does a change of the category tree.
  f.shop.set_variant_price(id, vid, Money{2700, "EUR"}, std::nullopt);
  CHECK(f.service.product_view("kettle", "page:-", render) == "Product kettle at 2700");
  CHECK(renders == 3);
  f.shop.create_category({"kitchen", "Kitchen", std::nullopt, 0});
  CHECK(f.service.product_view("kettle", "page:-", render) == "Product kettle at 2700");
  CHECK(renders == 4);

  // A new slug: the old one is not found any more (its view is gone with it), the new one renders.
  CatalogAdmin admin(db, f.cache);
  ProductChanges renamed;
  renamed.slug = "kettle-2";
  admin.update_product(id, renamed, admin.get_product(id).version);
  CHECK(code_of([&] { (void)f.service.product_view("kettle", "page:-", render); }) == ErrorCode::not_found);
  CHECK(f.service.product_view("kettle-2", "page:-", render) == "Product kettle at 2700");
  CHECK(renders == 5);

  // A render that throws caches nothing; an unpublished product is not found, not served stale.
  const auto refuse = [&](const Product&) -> std::string {
    ++renders;
    throw Error(ErrorCode::not_found, "no such variant");
  };
  CHECK(code_of([&] { (void)f.service.product_view("kettle-2", "page:99", refuse); }) == ErrorCode::not_found);
  CHECK(code_of([&] { (void)f.service.product_view("kettle-2", "page:99", refuse); }) == ErrorCode::not_found);
  CHECK(renders == 7);
  f.shop.set_product_status(id, ProductStatus::draft);
  CHECK(code_of([&] { (void)f.service.product_view("kettle-2", "page:-", render); }) == ErrorCode::not_found);
  CHECK(code_of([&] { (void)f.service.product_view("no-such-kettle", "page:-", render); }) == ErrorCode::not_found);
}

namespace {

// Stock from somewhere else than variants.on_hand, as the inventory module's reader will be: fixed
// quantities by variant id, from data of its own. It records which variants it was asked about.
class FixedStock final : public StockReader {
 public:
  explicit FixedStock(std::map<std::int64_t, std::int64_t> by_variant) : by_variant_(std::move(by_variant)) {}
  [[nodiscard]] std::map<std::int64_t, std::int64_t> on_hand(
      const std::vector<std::int64_t>& variant_ids) const override {
    asked_.insert(asked_.end(), variant_ids.begin(), variant_ids.end());
    std::map<std::int64_t, std::int64_t> levels;
    for (const auto id : variant_ids) {
      if (const auto it = by_variant_.find(id); it != by_variant_.end()) {
        levels.emplace(id, it->second);
      }
    }
    return levels;
  }
  [[nodiscard]] std::vector<std::int64_t> asked() const { return asked_; }

 private:
  std::map<std::int64_t, std::int64_t> by_variant_;
  mutable std::vector<std::int64_t> asked_;
};

}  // namespace

void check_stock_reader(db::Database& db) {
  Fixture f(db);
  const auto id = f.shop.create_product(active("lamp"));
  NewVariant small = variant("LAMP-S", 500);
  small.on_hand = 3;
  NewVariant large = variant("LAMP-L", 700);
  large.on_hand = 0;
  const auto small_id = f.shop.add_variant(id, small);
  const auto large_id = f.shop.add_variant(id, large);
  const auto quantities = [](const Product& product) {
    std::map<std::string, std::int64_t> by_sku;
    for (const auto& v : product.variants) {
      by_sku[v.sku] = v.on_hand;
    }
    return by_sku;
  };
  // The default reader is variants.on_hand, asked by variant id.
  CHECK(quantities(f.service.get_product("lamp")) == std::map<std::string, std::int64_t>{{"LAMP-L", 0}, {"LAMP-S", 3}});
  const auto on_hand = variant_on_hand(db)->on_hand({large_id, small_id, large_id + small_id + 1000});
  CHECK(on_hand == std::map<std::int64_t, std::int64_t>{{large_id, 0}, {small_id, 3}});
  CHECK(variant_on_hand(db)->on_hand({}).empty());

  // Another reader decides what a product read shows, whatever the column says; a variant it does
  // not know has none. It is asked about exactly the product's variants.
  cache::LocalCache cache(Fixture::no_guard());
  const auto fixed = std::make_shared<FixedStock>(std::map<std::int64_t, std::int64_t>{{large_id, 9}});
  CatalogService service(db, cache, Fixture::options(SearchIndexMode::off), fixed);
  CHECK(quantities(service.get_product("lamp")) == std::map<std::string, std::int64_t>{{"LAMP-L", 9}, {"LAMP-S", 0}});
  auto asked = fixed->asked();
  std::sort(asked.begin(), asked.end());
  CHECK(asked == std::vector<std::int64_t>{std::min(small_id, large_id), std::max(small_id, large_id)});
}

}  // namespace ecom::catalog::test
