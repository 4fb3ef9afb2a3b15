#include "app.hpp"
#include "catalog/test_catalog.hpp"
#include "http_client.hpp"
#include "test_server.hpp"

#include <ecom/web/templates.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace ecom;

namespace {

storefront::Settings settings(std::string name) {
  return storefront::Settings{std::move(name), "EUR", "does-not-exist", "/static"};
}

}  // namespace

TEST_CASE("the store endpoint describes the shop", "[storefront]") {
  auto files = http::StaticFiles::load("does-not-exist", "/static");
  storefront::test::TestCatalog catalog;
  test::TestServer s(storefront::make_router(settings("Demo"), files, catalog.service()));
  auto res = test::fetch(s.port(), "GET", "/api/v1/store");
  CHECK(res.status == 200);
  CHECK(res.header("Content-Type") == "application/json");
  auto doc = boost::json::parse(res.body).as_object();
  CHECK(doc.at("name").as_string() == "Demo");
  CHECK(doc.at("currency").as_string() == "EUR");
}

TEST_CASE("the home page escapes the configured shop name", "[storefront]") {
  auto files = http::StaticFiles::load("does-not-exist", "/static");
  storefront::test::TestCatalog catalog;
  test::TestServer s(storefront::make_router(settings("<script>alert(1)</script> & Co"), files, catalog.service(),
                                             web::Templates::load(ECOM_SOURCE_DIR "/web/storefront/templates")));
  auto res = test::fetch(s.port(), "GET", "/");
  CHECK(res.status == 200);
  CHECK(res.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(res.body.find("<script>") == std::string::npos);
  CHECK(res.body.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co") != std::string::npos);
  // An empty catalog says so instead of showing an empty grid.
  CHECK(res.body.find("The shop is being stocked") != std::string::npos);
}

TEST_CASE("storefront settings reject a malformed currency, static prefix or base URL", "[storefront]") {
  config::Schema schema;
  storefront::declare_config(schema);
  auto env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto bad_currency = config::Config::parse(schema, R"({"shop":{"currency":"euro"}})", "test.json", env);
  CHECK_THROWS_WITH(storefront::settings_from(bad_currency), Catch::Contains("shop.currency"));
  auto bad_prefix = config::Config::parse(schema, R"({"static":{"url_prefix":"static/"}})", "test.json", env);
  CHECK_THROWS_WITH(storefront::settings_from(bad_prefix), Catch::Contains("static.url_prefix"));
  for (const char* url : {"shop.example", "https://shop.example/", "https://shop.example/path", "ftp://shop.example",
                          "https://", "https://shop.example:port", "https://shop.example:123456"}) {
    INFO(url);
    auto bad_base =
        config::Config::parse(schema, std::string(R"({"shop":{"base_url":")") + url + R"("}})", "test.json", env);
    CHECK_THROWS_WITH(storefront::settings_from(bad_base), Catch::Contains("shop.base_url"));
  }
  auto bad_assets = config::Config::parse(schema, R"({"assets":{"base_url":"media/"}})", "test.json", env);
  CHECK_THROWS_WITH(storefront::settings_from(bad_assets), Catch::Contains("assets.base_url"));
  auto good = config::Config::parse(
      schema, R"({"shop":{"base_url":"https://shop.example:8443"},"assets":{"base_url":"https://cdn.example/m"}})",
      "test.json", env);
  const auto s = storefront::settings_from(good);
  CHECK(s.currency == "EUR");
  CHECK(s.base_url == "https://shop.example:8443");
  CHECK(s.assets_base_url == "https://cdn.example/m");
  CHECK(storefront::settings_from(config::Config::parse(schema, "{}", "test.json", env)).base_url ==
        "http://localhost:8080");
}
