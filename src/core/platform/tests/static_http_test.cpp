// Static files over real HTTP: validators, compression, and traversal attempts as raw targets.
#include "http_client.hpp"
#include "temp_dir.hpp"
#include "test_server.hpp"

#include <ecom/platform/http/static_files.hpp>
#include <ecom/platform/http/static_route.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace ecom;
using test::fetch;
namespace fs = std::filesystem;

namespace {

struct Tree {
  Tree() {
    fs::create_directories(base / "web" / "css");
    write(base / "web" / "css" / "app.css", std::string(2000, 'a') + "body{}");
    write(base / "secret.txt", "TOP-SECRET");
  }
  static void write(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
  }
  test::TempDir dir{"ecom-static-http"};
  fs::path base = dir.path();
};

}  // namespace

TEST_CASE("static files over HTTP: ETag, 304, gzip, immutable fingerprinted URLs", "[static]") {
  Tree tree;
  auto files = http::StaticFiles::load(tree.base / "web", "/static");
  http::Router r;
  http::mount_static(r, files, "/static");
  test::TestServer s(std::move(r));

  auto first = fetch(s.port(), "GET", "/static/css/app.css");
  REQUIRE(first.status == 200);
  CHECK(first.header("Content-Type") == "text/css; charset=utf-8");
  auto etag = first.header("ETag");
  REQUIRE(etag.has_value());
  CHECK_FALSE(etag->starts_with("W/"));
  CHECK(first.header("Cache-Control") == "no-cache");

  auto again = fetch(s.port(), "GET", "/static/css/app.css", {{"If-None-Match", *etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());

  auto gz = fetch(s.port(), "GET", "/static/css/app.css", {{"Accept-Encoding", "gzip, br"}});
  CHECK(gz.header("Content-Encoding") == "gzip");
  CHECK(gz.body.size() < 2006);

  auto url = files->asset_url("css/app.css");
  CHECK(url != "/static/css/app.css");
  auto fp = fetch(s.port(), "GET", url);
  CHECK(fp.status == 200);
  CHECK(fp.header("Cache-Control") == "public, max-age=31536000, immutable");
}

TEST_CASE("path traversal is refused in every spelling", "[static]") {
  Tree tree;
  auto files = http::StaticFiles::load(tree.base / "web", "/static");
  http::Router r;
  http::mount_static(r, files, "/static");
  test::TestServer s(std::move(r));

  for (const char* target : {"/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/%2E%2E%2Fsecret.txt",
                             "/static/css/../../secret.txt", "/static/..%5csecret.txt", "/static/..\\secret.txt",
                             "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/css/%00app.css"}) {
    CAPTURE(target);
    test::RawResponse res;
    try {
      res = fetch(s.port(), "GET", target);
    } catch (const test::TestError&) {
      continue;  // the server closing the connection is also a refusal
    }
    CHECK((res.status == 404 || res.status == 400));
    CHECK(res.body.find("TOP-SECRET") == std::string::npos);
  }
}
