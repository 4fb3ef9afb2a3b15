// /media over HTTP: images from a temporary storage root with their type, caching headers, ETag and
// 304; missing files, non-image names and traversal attempts are 404. make_router mounts the route
// only while assets.base_url is the local "/media".
#include "app.hpp"
#include "catalog/test_catalog.hpp"
#include "http_client.hpp"
#include "test_server.hpp"

#include <ecom/storage/media_route.hpp>
#include <ecom/storage/placeholder.hpp>
#include <ecom/storage/sizes.hpp>
#include <ecom/storage/storage.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using namespace ecom;

namespace {

constexpr const char* kHashed = "products/12/0123456789abcdef0123456789abcdef.png";

struct Media {
  Media() : store(dir.path() / "media") {
    png = storage::placeholder_png(8, 8, storage::Rgb{1, 2, 3}, storage::Rgb{4, 5, 6});
    store.put(kHashed, png);
    store.put("placeholders/seed-01.png", png);
    store.put("notes/readme.html", "<script>alert(1)</script>");
    std::ofstream(dir.path() / "secret.png") << "outside the root";
    http::Router router;
    storage::mount_media(router, dir.path() / "media", "/media");
    server = std::make_unique<test::TestServer>(std::move(router));
  }
  db::test::TempDir dir;
  storage::LocalDiskStorage store;
  std::string png;
  std::unique_ptr<test::TestServer> server;
};

}  // namespace

TEST_CASE("media: an image is served with its type, a long immutable cache and an ETag", "[storefront][media]") {
  Media m;
  const auto res = test::fetch(m.server->port(), "GET", std::string("/media/") + kHashed);
  REQUIRE(res.status == 200);
  CHECK(res.body == m.png);
  CHECK(res.header("Content-Type") == "image/png");
  CHECK(res.header("Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(res.header("X-Content-Type-Options") == "nosniff");
  const auto etag = res.header("ETag");
  REQUIRE(etag);

  const auto again = test::fetch(m.server->port(), "GET", std::string("/media/") + kHashed, {{"If-None-Match", *etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());

  // A name without a content hash may change: it revalidates instead.
  const auto placeholder = test::fetch(m.server->port(), "GET", "/media/placeholders/seed-01.png");
  CHECK(placeholder.status == 200);
  CHECK(placeholder.header("Cache-Control") == "public, max-age=3600");

  const auto head = test::fetch(m.server->port(), "HEAD", std::string("/media/") + kHashed);
  CHECK(head.status == 200);
}

TEST_CASE("media: missing files, other types and traversal are 404", "[storefront][media]") {
  Media m;
  for (const char* target : {"/media/products/12/missing.png", "/media/notes/readme.html", "/media/../secret.png",
                             "/media/%2e%2e/secret.png", "/media/products/..%2f..%2fsecret.png", "/media/.hidden.png",
                             "/media//etc/passwd", "/media/Products/A.PNG", "/media/products/12"}) {
    INFO(target);
    const auto res = test::fetch(m.server->port(), "GET", target);
    CHECK(res.status == 404);
    CHECK(res.body.find("outside the root") == std::string::npos);
    CHECK(res.body.find("<script>") == std::string::npos);
  }
}

TEST_CASE("media: make_router serves /media only when assets.base_url is local", "[storefront][media]") {
  db::test::TempDir dir;
  storage::LocalDiskStorage store(dir.path());
  store.put(kHashed, storage::placeholder_png(2, 2, storage::Rgb{}, storage::Rgb{}));
  auto files = http::StaticFiles::load("does-not-exist", "/static");
  storefront::test::TestCatalog catalog;

  storefront::Settings local{"Demo", "EUR", "does-not-exist", "/static"};
  local.media_root = dir.path().string();
  test::TestServer served(storefront::make_router(local, files, catalog.service()));
  CHECK(test::fetch(served.port(), "GET", std::string("/media/") + kHashed).status == 200);

  storefront::Settings cdn = local;
  cdn.assets_base_url = "https://cdn.example/media";
  test::TestServer fronted(storefront::make_router(cdn, files, catalog.service()));
  CHECK(test::fetch(fronted.port(), "GET", std::string("/media/") + kHashed).status == 404);

  // storage.root is read from the configuration.
  config::Schema schema;
  storefront::declare_config(schema);
  auto env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  const auto cfg = config::Config::parse(schema, R"({"storage":{"root":"/srv/media"}})", "test.json", env);
  CHECK(storefront::settings_from(cfg).media_root == "/srv/media");
}

TEST_CASE("media: a smaller copy is served when it exists, the original in its place when not", "[storefront][media]") {
  Media m;
  const auto copy = storage::placeholder_png(4, 4, storage::Rgb{1, 2, 3}, storage::Rgb{4, 5, 6});
  m.store.put(storage::sized_key("placeholders/seed-01.png", 400), copy);

  const auto made = test::fetch(m.server->port(), "GET", "/media/placeholders/seed-01-400w.png");
  REQUIRE(made.status == 200);
  CHECK(made.body == copy);
  CHECK(made.header("Content-Type") == "image/png");

  // An upload has no copies (nothing in the tree resizes it yet): its original stands in, and it
  // revalidates, since the copy may be made later.
  const auto stand_in = test::fetch(m.server->port(), "GET", "/media/" + storage::sized_key(kHashed, 800));
  REQUIRE(stand_in.status == 200);
  CHECK(stand_in.body == m.png);
  CHECK(stand_in.header("Cache-Control") == "public, max-age=3600");
  // A stored copy of a hashed name is as immutable as the name itself.
  m.store.put(storage::sized_key(kHashed, 400), copy);
  CHECK(test::fetch(m.server->port(), "GET", "/media/" + storage::sized_key(kHashed, 400)).header("Cache-Control") ==
        "public, max-age=31536000, immutable");

  // Only a width of the ladder is a copy; the original must exist.
  CHECK(test::fetch(m.server->port(), "GET", "/media/placeholders/seed-01-401w.png").status == 404);
  CHECK(test::fetch(m.server->port(), "GET", "/media/placeholders/seed-09-400w.png").status == 404);
}
