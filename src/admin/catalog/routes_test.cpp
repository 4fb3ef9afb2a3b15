// The admin catalog API over HTTP on a temporary SQLite database: strict bodies, If-Match and
// ETags, 404/409/412/415/422 answers, the CSV import report and export, and declared permissions.
#include "catalog/routes.hpp"

#include "http_client.hpp"
#include "test_server.hpp"
#include "test_support.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/catalog/admin.hpp>
#include <ecom/db/migrations.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <memory>
#include <string>

namespace {

using ecom::test::fetch;
using ecom::test::RawResponse;

struct Api {
  Api()
      : db(std::make_unique<ecom::db::Database>(ecom::db::test::sqlite_options(dir.path() / "shop.db"))),
        cache(ecom::cache::LocalCacheOptions{}) {
    ecom::db::Migrator(*db, ECOM_SOURCE_DIR "/migrations").apply();
    admin = std::make_unique<ecom::catalog::CatalogAdmin>(*db, cache);
    ecom::http::Router router;
    ecom::admin::catalog::add_routes(router, *admin);
    for (const auto& route : router.routes()) {
      permissions.push_back(route->options.permission);
    }
    server = std::make_unique<ecom::test::TestServer>(std::move(router));
  }

  RawResponse send(const std::string& method, const std::string& target, const std::string& body = "",
                   std::vector<std::pair<std::string, std::string>> headers = {}) const {
    if (!body.empty() && headers.empty()) {
      headers.emplace_back("Content-Type", "application/json");
    }
    return fetch(server->port(), method, target, headers, body);
  }

  ecom::db::test::TempDir dir;
  std::unique_ptr<ecom::db::Database> db;
  ecom::cache::LocalCache cache;
  std::unique_ptr<ecom::catalog::CatalogAdmin> admin;
  std::vector<std::string> permissions;
  std::unique_ptr<ecom::test::TestServer> server;
};

boost::json::object json(const RawResponse& r) {
  return boost::json::parse(r.body).as_object();
}

// The name of the first field error of a problem document.
std::string problem_field(const RawResponse& r) {
  const auto doc = json(r);
  if (!doc.contains("errors")) {
    return "";
  }
  return std::string(doc.at("errors").as_array().at(0).as_object().at("name").as_string());
}

constexpr const char* kProducts = "/api/v1/admin/products";

}  // namespace

TEST_CASE("admin api: every route declares its permission", "[admin]") {
  Api api;
  REQUIRE(!api.permissions.empty());
  for (const auto& permission : api.permissions) {
    CHECK((permission == "catalog.read" || permission == "catalog.write"));
  }
}

TEST_CASE("admin api: create, read with ETag, update with If-Match, stale versions get 412", "[admin]") {
  Api api;
  auto created = api.send(
      "POST", kProducts,
      R"({"slug":"wool-hat","title":"Wool hat","seo":{"title":"Hat"},"attributes":[{"name":"m","value":"wool"}]})");
  REQUIRE(created.status == 201);
  CHECK(created.header("ETag") == "\"1\"");
  const auto id = json(created).at("id").as_int64();
  const std::string path = std::string(kProducts) + "/" + std::to_string(id);
  CHECK(created.header("Location") == path);

  auto got = api.send("GET", path);
  CHECK(got.status == 200);
  CHECK(got.header("ETag") == "\"1\"");
  CHECK(json(got).at("status").as_string() == "draft");

  // Two staff both loaded version 1.
  auto first =
      api.send("PATCH", path, R"({"title":"Alice"})", {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}});
  CHECK(first.status == 200);
  CHECK(first.header("ETag") == "\"2\"");
  auto second =
      api.send("PATCH", path, R"({"title":"Bob"})", {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}});
  CHECK(second.status == 412);
  CHECK(json(api.send("GET", path)).at("title").as_string() == "Alice");
  // The version may come in the body instead.
  CHECK(api.send("PATCH", path, R"({"title":"Carol","version":2})").status == 200);
  // Neither: 400 naming If-Match.
  auto missing = api.send("PATCH", path, R"({"title":"Dave"})");
  CHECK(missing.status == 400);
  CHECK(problem_field(missing) == "If-Match");

  // Variants: add (201), change the price, publish.
  auto variant =
      api.send("POST", path + "/variants",
               R"({"sku":"HAT-1","price":{"amount":2500,"currency":"EUR"},"on_hand":4,"options":{"size":"M"}})",
               {{"Content-Type", "application/json"}, {"If-Match", "\"3\""}});
  REQUIRE(variant.status == 201);
  const auto vid = json(variant).at("variants").as_array().at(0).as_object().at("id").as_int64();
  CHECK(json(variant).at("variants").as_array().at(0).as_object().at("on_hand").as_int64() == 4);
  auto price = api.send("PATCH", path + "/variants/" + std::to_string(vid),
                        R"({"price":{"amount":1999,"currency":"EUR"},"compare_at_price":null})",
                        {{"Content-Type", "application/json"}, {"If-Match", "\"4\""}});
  CHECK(price.status == 200);
  CHECK(json(price).at("variants").as_array().at(0).as_object().at("price").as_object().at("amount").as_int64() ==
        1999);
  auto published = api.send("POST", path + "/publish", "", {{"If-Match", "\"5\""}});
  CHECK(published.status == 200);
  CHECK(json(published).at("status").as_string() == "active");
  auto listed = api.send("GET", std::string(kProducts) + "?q=wool&status=active");
  CHECK(listed.status == 200);
  CHECK(json(listed).at("items").as_array().size() == 1);

  // Delete, then it is gone.
  CHECK(api.send("DELETE", path, "", {{"If-Match", "\"5\""}}).status == 412);
  CHECK(api.send("DELETE", path, "", {{"If-Match", "\"6\""}}).status == 204);
  CHECK(api.send("GET", path).status == 404);
}

TEST_CASE("admin api: bad input gets a clear 400, 404, 409, 415 or 422", "[admin]") {
  Api api;
  CHECK(api.send("GET", std::string(kProducts) + "/999").status == 404);
  CHECK(api.send("GET", std::string(kProducts) + "/abc").status == 404);
  CHECK(api.send("PATCH", std::string(kProducts) + "/999", R"({"title":"x"})",
                 {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}})
            .status == 404);
  auto bad_json = api.send("POST", kProducts, R"({"slug": "x",)");
  CHECK(bad_json.status == 400);
  CHECK(bad_json.header("Content-Type") == "application/problem+json");
  CHECK(api.send("POST", kProducts, "[1,2]").status == 400);
  auto unknown = api.send("POST", kProducts, R"({"slug":"x","title":"X","colour":"red"})");
  CHECK(unknown.status == 400);
  CHECK(problem_field(unknown) == "colour");
  auto wrong_type = api.send("POST", kProducts, R"({"slug":"x","title":7})");
  CHECK(wrong_type.status == 400);
  CHECK(problem_field(wrong_type) == "title");
  auto bad_slug = api.send("POST", kProducts, R"({"slug":"Not A Slug","title":"X"})");
  CHECK(bad_slug.status == 422);
  CHECK(problem_field(bad_slug) == "slug");
  CHECK(api.send("POST", kProducts, R"({"slug":"x","title":"X"})", {{"Content-Type", "text/plain"}}).status == 415);
  CHECK(api.send("POST", kProducts, R"({"slug":"dup","title":"X"})").status == 201);
  CHECK(api.send("POST", kProducts, R"({"slug":"dup","title":"X"})").status == 409);
  auto bad_price =
      api.send("POST", std::string(kProducts) + "/1/variants", R"({"sku":"A","price":{"amount":1.5,"currency":"EUR"}})",
               {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}});
  CHECK(bad_price.status == 400);
  CHECK(problem_field(bad_price) == "price.amount");
  CHECK(api.send("GET", std::string(kProducts) + "?limt=5").status == 400);
  CHECK(api.send("GET", std::string(kProducts) + "?limit=0").status == 400);
  // Malformed escapes and repeats, through the one query parser (http::Params).
  for (const auto* query : {"?q=%zz", "?status=active&q=a&q=b", "?q=%4"}) {
    INFO(query);
    const auto refused = api.send("GET", std::string(kProducts) + query);
    CHECK(refused.status == 400);
    CHECK(problem_field(refused) == "q");
  }
  CHECK(api.send("PATCH", std::string(kProducts) + "/1", R"({"title":"x"})",
                 {{"Content-Type", "application/json"}, {"If-Match", "W/\"x\""}})
            .status == 400);
}

TEST_CASE("admin api: categories and their delete rule", "[admin]") {
  Api api;
  auto root = api.send("POST", "/api/v1/admin/categories", R"({"slug":"bags","name":"Bags"})");
  REQUIRE(root.status == 201);
  auto child = api.send("POST", "/api/v1/admin/categories", R"({"slug":"totes","name":"Totes","parent":"bags"})");
  REQUIRE(child.status == 201);
  const auto root_id = json(root).at("id").as_int64();
  const auto cycle = api.send("PATCH", "/api/v1/admin/categories/" + std::to_string(root_id), R"({"parent":"totes"})");
  CHECK(cycle.status == 422);
  CHECK(problem_field(cycle) == "parent");
  CHECK(api.send("DELETE", "/api/v1/admin/categories/" + std::to_string(root_id)).status == 409);
  CHECK(api.send("GET", "/api/v1/admin/categories").status == 200);
}

TEST_CASE("admin api: CSV import reports rows and columns, export returns text/csv", "[admin]") {
  Api api;
  const std::string url = std::string(kProducts) + ".csv";
  auto bad = api.send("POST", url, "slug,title,sku,price,currency\nok,OK,A-1,100,EUR\nok2,OK2,A-2,ten,EUR\n",
                      {{"Content-Type", "text/csv"}});
  CHECK(bad.status == 422);
  const auto errors = json(bad).at("errors").as_array();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].as_object().at("row").as_int64() == 3);
  CHECK(errors[0].as_object().at("column").as_string() == "price");
  CHECK(api.send("POST", url, "slug,title\nok,OK\n", {{"Content-Type", "application/json"}}).status == 415);

  auto good = api.send("POST", url, "slug,title,sku,price,currency\nok,OK,A-1,100,EUR\nok,OK,A-2,200,EUR\n",
                       {{"Content-Type", "text/csv; charset=utf-8"}});
  CHECK(good.status == 200);
  CHECK(json(good).at("variants_created").as_int64() == 2);
  auto exported = api.send("GET", url);
  CHECK(exported.status == 200);
  CHECK(exported.header("Content-Type").value_or("").starts_with("text/csv"));
  CHECK(exported.body.find("ok,OK,,draft") != std::string::npos);
  CHECK(exported.body.find("A-2") != std::string::npos);
}
