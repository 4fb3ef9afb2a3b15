// The admin image API over HTTP: an in-process server on a migrated SQLite file, files in a
// temporary folder. Uploads are real PNGs from placeholder_png.
#include "catalog/image_routes.hpp"

#include "http_client.hpp"
#include "test_server.hpp"
#include "test_support.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/catalog/admin.hpp>
#include <ecom/catalog/images.hpp>
#include <ecom/db/migrations.hpp>
#include <ecom/storage/placeholder.hpp>
#include <ecom/storage/storage.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace {

using ecom::test::fetch;
using Headers = std::vector<std::pair<std::string, std::string>>;

std::string png(std::uint8_t shade, std::uint32_t side = 4) {
  return ecom::storage::placeholder_png(side, side, ecom::storage::Rgb{shade, 1, 2}, ecom::storage::Rgb{3, shade, 4});
}

struct Admin {
  Admin()
      : db(std::make_unique<ecom::db::Database>(ecom::db::test::sqlite_options(dir.path() / "shop.db"))),
        cache(ecom::cache::LocalCacheOptions{}),
        media(dir.path() / "media") {
    ecom::db::Migrator(*db, ECOM_SOURCE_DIR "/migrations").apply();
    images = std::make_unique<ecom::catalog::ImageService>(*db, cache, media);
    ecom::catalog::NewProduct p;
    p.slug = "desk-lamp";
    p.title = "Desk lamp";
    product_id = ecom::catalog::CatalogAdmin(*db, cache).create_product(p).id;
    ecom::http::Router router;
    ecom::admin::catalog::add_image_routes(router, *images, "https://cdn.example/media");
    server = std::make_unique<ecom::test::TestServer>(std::move(router));
  }

  [[nodiscard]] std::string images_path() const {
    return "/api/v1/admin/products/" + std::to_string(product_id) + "/images";
  }

  ecom::db::test::TempDir dir;
  std::unique_ptr<ecom::db::Database> db;
  ecom::cache::LocalCache cache;
  ecom::storage::LocalDiskStorage media;
  std::unique_ptr<ecom::catalog::ImageService> images;
  std::int64_t product_id = 0;
  std::unique_ptr<ecom::test::TestServer> server;
};

boost::json::object body_of(const ecom::test::RawResponse& r) {
  return boost::json::parse(r.body).as_object();
}

bool is_problem(const ecom::test::RawResponse& r) {
  return r.header("Content-Type").value_or("").starts_with("application/problem+json");
}

}  // namespace

TEST_CASE("admin images: upload, list, update and delete over HTTP", "[admin][images]") {
  Admin a;
  const auto bytes = png(9, 30);
  const auto created = fetch(a.server->port(), "POST", a.images_path() + "?alt=Lit%20at%20night",
                             {{"Content-Type", "image/png"}}, bytes);
  INFO(created.body);
  REQUIRE(created.status == 201);
  const auto image = body_of(created);
  const std::string path(image.at("path").as_string());
  CHECK(path.starts_with("products/" + std::to_string(a.product_id) + "/"));
  CHECK(image.at("url").as_string() == "https://cdn.example/media/" + path);
  CHECK(image.at("alt").as_string() == "Lit at night");
  CHECK(image.at("width").as_int64() == 30);
  CHECK(a.media.get(path) == bytes);
  const auto id = std::to_string(image.at("id").as_int64());

  const auto second = fetch(a.server->port(), "POST", a.images_path(), {{"Content-Type", "Image/PNG; x=1"}}, png(10));
  CHECK(second.status == 201);

  const auto listed = fetch(a.server->port(), "GET", a.images_path());
  REQUIRE(listed.status == 200);
  const auto items = body_of(listed).at("items").as_array();
  REQUIRE(items.size() == 2);
  CHECK(items[0].as_object().at("id").as_int64() == image.at("id").as_int64());

  const auto patched = fetch(a.server->port(), "PATCH", a.images_path() + "/" + id,
                             {{"Content-Type", "application/json"}}, R"({"alt": "Switched off", "position": 7})");
  INFO(patched.body);
  REQUIRE(patched.status == 200);
  CHECK(body_of(patched).at("alt").as_string() == "Switched off");
  CHECK(body_of(patched).at("position").as_int64() == 7);
  const auto reordered = body_of(fetch(a.server->port(), "GET", a.images_path())).at("items").as_array();
  CHECK(reordered[1].as_object().at("id").as_int64() == image.at("id").as_int64());

  const auto deleted = fetch(a.server->port(), "DELETE", a.images_path() + "/" + id);
  CHECK(deleted.status == 204);
  CHECK_FALSE(a.media.exists(path));
  const auto again = fetch(a.server->port(), "DELETE", a.images_path() + "/" + id);
  CHECK(again.status == 404);
  CHECK(is_problem(again));
}

TEST_CASE("admin images: wrong types, fake and broken files, bad ids and bodies get clear errors", "[admin][images]") {
  Admin a;
  const auto port = a.server->port();
  // The declared type must be an image type, and the one the bytes really are.
  auto r = fetch(port, "POST", a.images_path(), {{"Content-Type", "text/html"}}, png(1));
  CHECK(r.status == 415);
  CHECK(is_problem(r));
  r = fetch(port, "POST", a.images_path(), {}, png(1));
  CHECK(r.status == 415);
  r = fetch(port, "POST", a.images_path(), {{"Content-Type", "image/jpeg"}}, png(1));
  CHECK(r.status == 415);
  CHECK(r.body.find("Content-Type") != std::string::npos);
  r = fetch(port, "POST", a.images_path(), {{"Content-Type", "image/png"}},
            "<svg xmlns='http://www.w3.org/2000/svg'/>");
  CHECK(r.status == 415);
  CHECK(r.body.find("\"image\"") != std::string::npos);
  auto truncated = png(2, 50);
  truncated.resize(truncated.size() / 2);
  r = fetch(port, "POST", a.images_path(), {{"Content-Type", "image/png"}}, truncated);
  CHECK(r.status == 422);
  r = fetch(port, "POST", a.images_path(), {{"Content-Type", "image/png"}}, "");
  CHECK(r.status == 422);
  r = fetch(port, "POST", "/api/v1/admin/products/999999/images", {{"Content-Type", "image/png"}}, png(3));
  CHECK(r.status == 404);
  r = fetch(port, "POST", "/api/v1/admin/products/abc/images", {{"Content-Type", "image/png"}}, png(3));
  CHECK(r.status == 404);
  r = fetch(port, "GET", "/api/v1/admin/products/-1/images");
  CHECK(r.status == 404);
  CHECK(a.images->list_images(a.product_id).empty());

  const auto created = fetch(port, "POST", a.images_path(), {{"Content-Type", "image/png"}}, png(4));
  REQUIRE(created.status == 201);
  const auto one = a.images_path() + "/" + std::to_string(body_of(created).at("id").as_int64());
  const Headers json{{"Content-Type", "application/json"}};
  CHECK(fetch(port, "PATCH", one, json, "{not json").status == 400);
  CHECK(fetch(port, "PATCH", one, json, "[]").status == 400);
  CHECK(fetch(port, "PATCH", one, json, "{}").status == 400);
  CHECK(fetch(port, "PATCH", one, json, R"({"colour": "red"})").status == 400);
  CHECK(fetch(port, "PATCH", one, json, R"({"alt": 5})").status == 400);
  CHECK(fetch(port, "PATCH", one, json, R"({"position": 1.5})").status == 400);
  CHECK(fetch(port, "PATCH", one, json, R"({"position": -1})").status == 422);
  CHECK(fetch(port, "PATCH", one, {{"Content-Type", "text/plain"}}, R"({"alt": "x"})").status == 415);
  CHECK(fetch(port, "PATCH", a.images_path() + "/999999", json, R"({"alt": "x"})").status == 404);
}

TEST_CASE("admin images: ImageRoutes reads storage.* and assets.base_url from the configuration", "[admin][images]") {
  Admin a;
  ecom::config::Schema schema;
  ecom::admin::catalog::declare_image_config(schema);
  auto env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  const auto root = (a.dir.path() / "configured").string();
  const auto cfg = ecom::config::Config::parse(
      schema,
      R"({"storage": {"root": ")" + root +
          R"(", "max_image_bytes": 2048}, "assets": {"base_url": "https://cdn.example/m"}})",
      "test.json", env);
  ecom::admin::catalog::ImageRoutes routes(cfg, *a.db, a.cache);
  ecom::http::Router router;
  routes.add_to(router);
  ecom::test::TestServer server(std::move(router));

  const auto created = fetch(server.port(), "POST", a.images_path(), {{"Content-Type", "image/png"}}, png(5));
  REQUIRE(created.status == 201);
  const auto image = body_of(created);
  CHECK(image.at("url").as_string().starts_with("https://cdn.example/m/products/"));
  CHECK(std::filesystem::exists(std::filesystem::path(root) / std::string(image.at("path").as_string())));
  // storage.max_image_bytes: a bigger (real) image is 413.
  const auto big = png(6, 2000);
  REQUIRE(big.size() > 2048);
  CHECK(fetch(server.port(), "POST", a.images_path(), {{"Content-Type", "image/png"}}, big).status == 413);

  const auto slash = ecom::config::Config::parse(schema, R"({"assets": {"base_url": "/media/"}})", "test.json", env);
  CHECK_THROWS_AS(ecom::admin::catalog::ImageRoutes(slash, *a.db, a.cache), ecom::config::ConfigError);
}
