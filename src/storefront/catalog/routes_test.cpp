// The catalog API over HTTP on a temporary SQLite database: shapes, 404s, a 400 naming each bad
// parameter, and ETag / If-None-Match.
#include "app.hpp"
#include "catalog/test_catalog.hpp"
#include "http_client.hpp"
#include "test_server.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace ecom;
using ecom::catalog::Money;
using ecom::catalog::NewProduct;
using ecom::catalog::NewVariant;
using ecom::catalog::ProductStatus;

namespace {

struct Shop {
  Shop() {
    auto& service = catalog.writer();
    service.create_category({"clothing", "Clothing", std::nullopt, 1});
    service.create_category({"shirts", "Shirts", "clothing", 1});
    NewProduct shirt;
    shirt.slug = "linen-shirt";
    shirt.title = "Linen shirt";
    shirt.status = ProductStatus::active;
    shirt.category_slugs = {"shirts"};
    shirt.attributes = {{"material", "linen"}};
    const auto id = service.create_product(shirt);
    NewVariant v;
    v.sku = "SHIRT-M";
    v.title = "M / red";
    v.options = {{"size", "M"}, {"colour", "red"}};
    v.price = Money{1999, "EUR"};
    v.compare_at = Money{2499, "EUR"};
    v.on_hand = 2;
    service.add_variant(id, v);
    for (int i = 0; i < 3; ++i) {
      NewProduct p;
      p.slug = "mug-" + std::to_string(i);
      p.title = "Mug " + std::to_string(i);
      p.status = ProductStatus::active;
      service.create_product(p);
    }
    NewProduct draft;
    draft.slug = "secret-draft";
    draft.title = "Not yet";
    service.create_product(draft);
  }
  storefront::test::TestCatalog catalog;
  test::TestServer server{storefront::make_router(storefront::Settings{"Demo", "EUR", "does-not-exist", "/static"},
                                                  http::StaticFiles::load("does-not-exist", "/static"),
                                                  catalog.service())};

  test::RawResponse get(const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return test::fetch(server.port(), "GET", target, headers);
  }
};

// The 400 is a problem document naming exactly the parameter.
void check_bad_parameter(Shop& shop, const std::string& target, const std::string& parameter) {
  INFO(target);
  auto res = shop.get(target);
  CHECK(res.status == 400);
  CHECK(res.header("Content-Type") == "application/problem+json");
  auto doc = boost::json::parse(res.body).as_object();
  REQUIRE(doc.contains("errors"));
  const auto& errors = doc.at("errors").as_array();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].as_object().at("name").as_string() == parameter);
}

// The slugs of a listing's items, in order; the listing must answer 200.
std::vector<std::string> listed_slugs(Shop& shop, const std::string& target) {
  INFO(target);
  auto res = shop.get(target);
  REQUIRE(res.status == 200);
  const auto doc = boost::json::parse(res.body);
  std::vector<std::string> slugs;
  for (const auto& item : doc.as_object().at("items").as_array()) {
    slugs.emplace_back(item.as_object().at("slug").as_string());
  }
  return slugs;
}

}  // namespace

TEST_CASE("GET /api/v1/products/{slug} gives the product with prices in minor units", "[storefront][catalog]") {
  Shop shop;
  auto res = shop.get("/api/v1/products/linen-shirt");
  REQUIRE(res.status == 200);
  CHECK(res.header("Content-Type") == "application/json");
  auto doc = boost::json::parse(res.body).as_object();
  CHECK(doc.at("slug").as_string() == "linen-shirt");
  CHECK(doc.at("title").as_string() == "Linen shirt");
  CHECK(doc.at("status").as_string() == "active");
  const auto& variant = doc.at("variants").as_array().at(0).as_object();
  CHECK(variant.at("sku").as_string() == "SHIRT-M");
  CHECK(variant.at("price") == boost::json::value(boost::json::object{{"amount", 1999}, {"currency", "EUR"}}));
  CHECK(variant.at("compare_at_price") ==
        boost::json::value(boost::json::object{{"amount", 2499}, {"currency", "EUR"}}));
  CHECK(variant.at("options") == boost::json::value(boost::json::object{{"colour", "red"}, {"size", "M"}}));
  CHECK(variant.at("in_stock").as_bool());
  CHECK(doc.at("categories").as_array().at(0).as_object().at("slug").as_string() == "shirts");
  CHECK(doc.at("attributes").as_array().at(0).as_object().at("name").as_string() == "material");
}

TEST_CASE("unknown and draft products are 404 problems", "[storefront][catalog]") {
  Shop shop;
  for (const char* target :
       {"/api/v1/products/nothing-here", "/api/v1/products/secret-draft", "/api/v1/categories/nothing-here"}) {
    INFO(target);
    auto res = shop.get(target);
    CHECK(res.status == 404);
    CHECK(res.header("Content-Type") == "application/problem+json");
  }
}

TEST_CASE("GET /api/v1/products lists active products newest first, page by page", "[storefront][catalog]") {
  Shop shop;
  auto first = shop.get("/api/v1/products?limit=2");
  REQUIRE(first.status == 200);
  auto doc = boost::json::parse(first.body).as_object();
  const auto& items = doc.at("items").as_array();
  REQUIRE(items.size() == 2);
  CHECK(items[0].as_object().at("slug").as_string() == "mug-2");
  CHECK(items[0].as_object().at("price_from").is_null());
  REQUIRE(doc.at("next_cursor").is_string());

  std::set<std::string> slugs;
  std::string target = "/api/v1/products?limit=2";
  for (int page = 0; page < 10; ++page) {
    auto res = shop.get(target);
    REQUIRE(res.status == 200);
    auto body = boost::json::parse(res.body).as_object();
    for (const auto& item : body.at("items").as_array()) {
      CHECK(slugs.insert(std::string(item.as_object().at("slug").as_string())).second);
    }
    if (body.at("next_cursor").is_null()) {
      break;
    }
    target = "/api/v1/products?limit=2&cursor=" + std::string(body.at("next_cursor").as_string());
  }
  CHECK(slugs == std::set<std::string>{"linen-shirt", "mug-0", "mug-1", "mug-2"});

  auto shirts = boost::json::parse(shop.get("/api/v1/products?category=clothing").body).as_object();
  REQUIRE(shirts.at("items").as_array().size() == 1);
  const auto& shirt = shirts.at("items").as_array()[0].as_object();
  CHECK(shirt.at("slug").as_string() == "linen-shirt");
  CHECK(shirt.at("price_from") == boost::json::value(boost::json::object{{"amount", 1999}, {"currency", "EUR"}}));
  CHECK(shirts.at("next_cursor").is_null());
}

TEST_CASE("GET /api/v1/products?q= searches titles, best match first, page by page", "[storefront][catalog]") {
  Shop shop;
  CHECK(listed_slugs(shop, "/api/v1/products?q=shirts") == std::vector<std::string>{"linen-shirt"});
  CHECK(listed_slugs(shop, "/api/v1/products?q=Linen%20sh") == std::vector<std::string>{"linen-shirt"});
  CHECK(listed_slugs(shop, "/api/v1/products?q=mu&limit=3").size() == 3);
  CHECK(listed_slugs(shop, "/api/v1/products?q=yet").empty());  // only the draft has it
  CHECK(listed_slugs(shop, "/api/v1/products?q=mug&category=clothing").empty());

  std::set<std::string> mugs;
  std::string target = "/api/v1/products?q=mug&limit=2";
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto body = boost::json::parse(shop.get(target).body).as_object();
    for (const auto& item : body.at("items").as_array()) {
      CHECK(mugs.insert(std::string(item.as_object().at("slug").as_string())).second);
    }
    if (body.at("next_cursor").is_null()) {
      break;
    }
    cursor = std::string(body.at("next_cursor").as_string());
    target = "/api/v1/products?q=mug&limit=2&cursor=" + cursor;
  }
  CHECK(mugs == std::set<std::string>{"mug-0", "mug-1", "mug-2"});
  REQUIRE_FALSE(cursor.empty());
  // The cursor belongs to that search.
  check_bad_parameter(shop, "/api/v1/products?q=shirt&limit=2&cursor=" + cursor, "cursor");
  check_bad_parameter(shop, "/api/v1/products?limit=2&cursor=" + cursor, "cursor");
  check_bad_parameter(shop, "/api/v1/products?q=", "q");
  check_bad_parameter(shop, "/api/v1/products?q=%2A%3A", "q");
  check_bad_parameter(shop, "/api/v1/products?q=" + std::string(201, 'a'), "q");
  check_bad_parameter(shop, "/api/v1/products?q=a&q=b", "q");
}

TEST_CASE("GET /api/v1/products?sort= orders by price or name", "[storefront][catalog]") {
  Shop shop;
  // Only the shirt has a price: first by price either way, the mugs after it by id.
  CHECK(listed_slugs(shop, "/api/v1/products?sort=price_asc") ==
        std::vector<std::string>{"linen-shirt", "mug-0", "mug-1", "mug-2"});
  CHECK(listed_slugs(shop, "/api/v1/products?sort=price_desc") ==
        std::vector<std::string>{"linen-shirt", "mug-2", "mug-1", "mug-0"});
  CHECK(listed_slugs(shop, "/api/v1/products?sort=name") ==
        std::vector<std::string>{"linen-shirt", "mug-0", "mug-1", "mug-2"});
  CHECK(listed_slugs(shop, "/api/v1/products?sort=newest&limit=1") == std::vector<std::string>{"mug-2"});
  CHECK(listed_slugs(shop, "/api/v1/products?q=mug&sort=name") == std::vector<std::string>{"mug-0", "mug-1", "mug-2"});

  auto doc = boost::json::parse(shop.get("/api/v1/products?sort=name&limit=1").body).as_object();
  const std::string cursor(doc.at("next_cursor").as_string());
  CHECK(listed_slugs(shop, "/api/v1/products?sort=name&limit=1&cursor=" + cursor) == std::vector<std::string>{"mug-0"});
  check_bad_parameter(shop, "/api/v1/products?sort=price_asc&limit=1&cursor=" + cursor, "cursor");
  check_bad_parameter(shop, "/api/v1/products?sort=relevance", "sort");
  check_bad_parameter(shop, "/api/v1/products?sort=", "sort");
  check_bad_parameter(shop, "/api/v1/products?sort=NAME", "sort");
}

TEST_CASE("GET /api/v1/products?facets=true counts every match", "[storefront][catalog]") {
  Shop shop;
  auto plain = boost::json::parse(shop.get("/api/v1/products").body).as_object();
  CHECK_FALSE(plain.contains("facets"));
  auto res = shop.get("/api/v1/products?facets=true&limit=1");
  REQUIRE(res.status == 200);
  auto doc = boost::json::parse(res.body).as_object();
  CHECK(doc.at("items").as_array().size() == 1);
  const auto& facets = doc.at("facets").as_object();
  CHECK(facets.at("total").as_int64() == 4);
  CHECK(facets.at("in_stock").as_int64() == 1);
  const auto& categories = facets.at("categories").as_array();
  REQUIRE(categories.size() == 1);
  CHECK(categories[0].as_object().at("value").as_string() == "clothing");
  CHECK(categories[0].as_object().at("label").as_string() == "Clothing");
  CHECK(categories[0].as_object().at("count").as_int64() == 1);
  const auto& material = facets.at("attributes").as_object().at("material").as_array();
  REQUIRE(material.size() == 1);
  CHECK(material[0].as_object().at("value").as_string() == "linen");
  CHECK(material[0].as_object().at("count").as_int64() == 1);
  const auto& price = facets.at("price").as_object();
  CHECK(price.at("min").as_object().at("amount").as_int64() == 1999);
  CHECK(price.at("max").as_object().at("currency").as_string() == "EUR");

  auto narrowed = boost::json::parse(shop.get("/api/v1/products?facets=true&q=mug").body).as_object();
  CHECK(narrowed.at("facets").as_object().at("total").as_int64() == 3);
  CHECK(narrowed.at("facets").as_object().at("price").as_object().empty());
  check_bad_parameter(shop, "/api/v1/products?facets=1", "facets");
}

TEST_CASE("GET /api/v1/products filters by price, stock and attributes", "[storefront][catalog]") {
  Shop shop;
  const std::vector<std::string> shirt = {"linen-shirt"};
  CHECK(listed_slugs(shop, "/api/v1/products?min_price=1000&max_price=1999") == shirt);
  CHECK(listed_slugs(shop, "/api/v1/products?max_price=1998").empty());
  CHECK(listed_slugs(shop, "/api/v1/products?in_stock=true") == shirt);
  CHECK(listed_slugs(shop, "/api/v1/products?in_stock=false&sort=name") ==
        std::vector<std::string>{"mug-0", "mug-1", "mug-2"});
  CHECK(listed_slugs(shop, "/api/v1/products?attr.material=linen") == shirt);
  CHECK(listed_slugs(shop, "/api/v1/products?attr.material=wool&attr.material=linen") == shirt);
  CHECK(listed_slugs(shop, "/api/v1/products?attr.material=wool").empty());
  CHECK(listed_slugs(shop, "/api/v1/products?attr.material=linen&attr.colour=red").empty());

  check_bad_parameter(shop, "/api/v1/products?min_price=-1", "min_price");
  check_bad_parameter(shop, "/api/v1/products?max_price=ten", "max_price");
  check_bad_parameter(shop, "/api/v1/products?min_price=", "min_price");
  check_bad_parameter(shop, "/api/v1/products?in_stock=yes", "in_stock");
  check_bad_parameter(shop, "/api/v1/products?attr.material=", "attr.material");
  check_bad_parameter(shop, "/api/v1/products?attr.=linen", "attr.");
  check_bad_parameter(shop, "/api/v1/products?min_price=1&min_price=2", "min_price");
  auto reversed = shop.get("/api/v1/products?min_price=500&max_price=100");
  CHECK(reversed.status == 400);
  const auto doc = boost::json::parse(reversed.body);
  const auto& errors = doc.as_object().at("errors").as_array();
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].as_object().at("name").as_string() == "min_price");
  CHECK(errors[1].as_object().at("name").as_string() == "max_price");
}

TEST_CASE("GET /api/v1/categories gives the tree and one category its sub-tree", "[storefront][catalog]") {
  Shop shop;
  auto tree = shop.get("/api/v1/categories");
  REQUIRE(tree.status == 200);
  auto doc = boost::json::parse(tree.body).as_object();
  const auto& roots = doc.at("categories").as_array();
  REQUIRE(roots.size() == 1);
  CHECK(roots[0].as_object().at("slug").as_string() == "clothing");
  CHECK(roots[0].as_object().at("children").as_array().at(0).as_object().at("slug").as_string() == "shirts");

  auto one = shop.get("/api/v1/categories/shirts");
  REQUIRE(one.status == 200);
  auto shirts = boost::json::parse(one.body).as_object();
  CHECK(shirts.at("name").as_string() == "Shirts");
  CHECK(shirts.at("parent_id") == roots[0].as_object().at("id"));
}

TEST_CASE("bad listing parameters are 400 problems naming the parameter", "[storefront][catalog]") {
  Shop shop;
  check_bad_parameter(shop, "/api/v1/products?limit=0", "limit");
  check_bad_parameter(shop, "/api/v1/products?limit=101", "limit");
  check_bad_parameter(shop, "/api/v1/products?limit=-5", "limit");
  check_bad_parameter(shop, "/api/v1/products?limit=ten", "limit");
  check_bad_parameter(shop, "/api/v1/products?limit=99999999999999999999", "limit");
  check_bad_parameter(shop, "/api/v1/products?limit=", "limit");
  check_bad_parameter(shop, "/api/v1/products?cursor=made-up", "cursor");
  check_bad_parameter(shop, "/api/v1/products?category=nowhere", "category");
  check_bad_parameter(shop, "/api/v1/products?sort=price", "sort");
  check_bad_parameter(shop, "/api/v1/products?limit=2&limit=3", "limit");
  check_bad_parameter(shop, "/api/v1/products/linen-shirt?debug=1", "debug");
  check_bad_parameter(shop, "/api/v1/categories?depth=1", "depth");
  // Malformed escapes and repeats, through the one query parser (http::Params).
  check_bad_parameter(shop, "/api/v1/products?q=%zz", "q");
  check_bad_parameter(shop, "/api/v1/products?sort=name&q=shirt%4", "q");
  check_bad_parameter(shop, "/api/v1/products?attr.material=%G0", "attr.material");
  check_bad_parameter(shop, "/api/v1/products?facets=true&%71=a&q=b", "q");
  check_bad_parameter(shop, "/api/v1/products/linen-shirt?x=%zz", "x");
  check_bad_parameter(shop, "/api/v1/categories?a=1&a=2", "a");

  // A real cursor with one character changed.
  auto doc = boost::json::parse(shop.get("/api/v1/products?limit=1").body).as_object();
  std::string cursor(doc.at("next_cursor").as_string());
  cursor[1] = cursor[1] == 'A' ? 'B' : 'A';
  check_bad_parameter(shop, "/api/v1/products?limit=1&cursor=" + cursor, "cursor");
}

TEST_CASE("every catalog answer has a strong ETag and If-None-Match gives 304", "[storefront][catalog]") {
  Shop shop;
  for (const char* target :
       {"/api/v1/products", "/api/v1/products/linen-shirt", "/api/v1/categories", "/api/v1/categories/shirts"}) {
    INFO(target);
    auto first = shop.get(target);
    REQUIRE(first.status == 200);
    const auto etag = first.header("ETag");
    REQUIRE(etag);
    CHECK(etag->size() == 34);
    CHECK(etag->front() == '"');
    CHECK_FALSE(etag->starts_with("W/"));
    CHECK(shop.get(target).header("ETag") == etag);  // same body, same tag

    auto again = shop.get(target, {{"If-None-Match", *etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    CHECK(again.header("ETag") == etag);
    CHECK(shop.get(target, {{"If-None-Match", "\"other\", W/" + *etag}}).status == 304);
    CHECK(shop.get(target, {{"If-None-Match", "\"other\""}}).status == 200);
  }
}

TEST_CASE("a price change shows in the API at once, with a new ETag", "[storefront][catalog]") {
  Shop shop;
  auto before = shop.get("/api/v1/products/linen-shirt");
  const auto etag = before.header("ETag");
  REQUIRE(etag);
  const auto product = shop.catalog.service().get_product("linen-shirt");
  shop.catalog.writer().set_variant_price(product.id, product.variants.at(0).id, Money{1499, "EUR"}, std::nullopt);
  auto after = shop.get("/api/v1/products/linen-shirt", {{"If-None-Match", *etag}});
  REQUIRE(after.status == 200);
  CHECK(after.header("ETag") != etag);
  auto doc = boost::json::parse(after.body).as_object();
  CHECK(doc.at("variants").as_array().at(0).as_object().at("price").as_object().at("amount").as_int64() == 1499);
}

TEST_CASE("a product read before is answered from memory, with the same ETag and 304", "[storefront][catalog]") {
  Shop shop;
  const auto& cache = shop.catalog.cache();
  auto first = shop.get("/api/v1/products/linen-shirt");  // a miss: the handler loads and caches it
  REQUIRE(first.status == 200);
  CHECK(cache.peek_hits() == 0);
  const auto etag = first.header("ETag");
  REQUIRE(etag);

  auto second = shop.get("/api/v1/products/linen-shirt");
  CHECK(cache.peek_hits() == 1);  // the fast path answered
  CHECK(second.status == 200);
  CHECK(second.body == first.body);
  CHECK(second.header("ETag") == etag);
  CHECK(second.header("Content-Type") == first.header("Content-Type"));
  CHECK(second.header("X-Content-Type-Options") == "nosniff");

  auto not_modified = shop.get("/api/v1/products/linen-shirt", {{"If-None-Match", *etag}});
  CHECK(cache.peek_hits() == 2);
  CHECK(not_modified.status == 304);
  CHECK(not_modified.header("ETag") == etag);
  CHECK(not_modified.body.empty());

  // Parameters are never answered from memory: the handler refuses them as before.
  check_bad_parameter(shop, "/api/v1/products/linen-shirt?fields=title", "fields");
  CHECK(shop.get("/api/v1/products/no-such-product").status == 404);
  CHECK(shop.get("/api/v1/products/Not%20A%20Slug").status == 404);
  CHECK(cache.peek_hits() == 2);

  // A change reaches the next request on the fast path too.
  const auto product = shop.catalog.service().get_product("linen-shirt");
  shop.catalog.writer().set_variant_price(product.id, product.variants.at(0).id, Money{1499, "EUR"}, std::nullopt);
  auto after = shop.get("/api/v1/products/linen-shirt", {{"If-None-Match", *etag}});
  REQUIRE(after.status == 200);
  CHECK(after.header("ETag") != etag);
}
