#include "temp_dir.hpp"

#include <ecom/platform/http/static_files.hpp>
#include <ecom/platform/log.hpp>

#include <catch2/catch.hpp>
#include <zlib.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using ecom::http::Method;
using ecom::http::Request;
using ecom::http::Response;
using ecom::http::StaticFiles;

namespace {

constexpr std::string_view kOutsideSecret = "TOP-SECRET-OUTSIDE-ROOT";

// A CSS body that compresses well, so the gzip variant is kept.
std::string css_body() {
  std::string css;
  for (int i = 0; i < 200; ++i) {
    css += ".product-card-" + std::to_string(i) + " { display: flex; margin: 0 auto; color: #333; }\n";
  }
  return css;
}

std::string random_bytes(std::size_t n) {
  std::mt19937 gen(42);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string out(n, '\0');
  for (auto& c : out) {
    c = static_cast<char>(byte(gen));
  }
  return out;
}

void write_file(const fs::path& path, std::string_view contents) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
}

// A directory tree under the system temp directory, removed at the end of the test:
//   <base>/secret.txt          outside the root
//   <base>/web/css/app.css     compressible
//   <base>/web/img/logo.png    incompressible
//   <base>/web/js/app.js       small, compressible type
//   <base>/web/.env, .git/config, big.txt, link-out.txt -> ../secret.txt
class AssetTree {
 public:
  AssetTree() {
    write_file(base_ / "secret.txt", kOutsideSecret);
    write_file(root() / "css" / "app.css", css_body());
    write_file(root() / "img" / "logo.png", random_bytes(4096));
    write_file(root() / "js" / "app.js", "console.log(1);\n");
    write_file(root() / ".env", std::string("DB_PASSWORD=") + std::string(kOutsideSecret));
    write_file(root() / ".git" / "config", kOutsideSecret);
    write_file(root() / "big.txt", std::string(64 * 1024, 'x'));
    write_file(root() / "templates" / "page.mustache", "<h1>{{secret_internal}}</h1>");
    fs::create_symlink(base_.path() / "secret.txt", root() / "link-out.txt");
    fs::create_symlink(root() / "js" / "app.js", root() / "link-in.js");
  }
  [[nodiscard]] fs::path root() const { return base_ / "web"; }

 private:
  ecom::test::TempDir base_{"ecom-static-test"};
};

Request request(Method method, const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  Request req;
  req.method = method;
  req.method_text = std::string(ecom::http::to_string(method));
  for (const auto& [name, value] : headers) {
    req.headers.add(name, value);
  }
  return req;
}

std::string header(const Response& r, std::string_view name) {
  return std::string(r.headers.get(name).value_or(""));
}

std::string gunzip(const std::string& in) {
  z_stream zs{};
  REQUIRE(inflateInit2(&zs, 15 + 16) == Z_OK);
  std::string out;
  std::string in_copy = in;
  zs.next_in = reinterpret_cast<Bytef*>(in_copy.data());
  zs.avail_in = static_cast<uInt>(in_copy.size());
  int rc = Z_OK;
  std::array<char, 16384> buffer{};
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer.data());
    zs.avail_out = static_cast<uInt>(buffer.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buffer.data(), buffer.size() - zs.avail_out);
  }
  inflateEnd(&zs);
  REQUIRE(rc == Z_STREAM_END);
  return out;
}

struct Loaded {
  std::shared_ptr<const StaticFiles> files;
  std::vector<std::string> warnings;
};

// Loads the tree with a 32 KiB limit, so big.txt is skipped; warnings are captured, not printed.
Loaded load_tree(const AssetTree& tree) {
  Loaded loaded;
  ecom::log::set_sink([&loaded](std::string_view line) { loaded.warnings.emplace_back(line); });
  loaded.files = StaticFiles::load(tree.root(), "/static", 32 * 1024);
  ecom::log::set_sink(nullptr);
  return loaded;
}

}  // namespace

TEST_CASE("safe_relative_path refuses traversal, absolute paths, backslashes, dot-files and NUL", "[static]") {
  using ecom::http::safe_relative_path;
  for (std::string_view bad :
       {"..", "../secret", "a/../b", "a/..", "/etc/passwd", "a\\b", "..\\x", "\\windows", ".env", "css/.hidden",
        ".git/config", "a//b", "a/", "./a", "a/./b", "", "C:", "C:/windows", "c:\\x"}) {
    INFO(bad);
    CHECK_FALSE(safe_relative_path(bad).has_value());
  }
  CHECK_FALSE(safe_relative_path(std::string_view("a\0b", 3)).has_value());
  CHECK_FALSE(safe_relative_path(std::string_view("app.css\0.png", 12)).has_value());

  CHECK(safe_relative_path("css/app.css") == std::optional<std::string>("css/app.css"));
  CHECK(safe_relative_path("app.min.js") == std::optional<std::string>("app.min.js"));
  CHECK(safe_relative_path("a..b/c") == std::optional<std::string>("a..b/c"));
}

TEST_CASE("content_type_for maps known extensions and defaults to octet-stream", "[static]") {
  using ecom::http::content_type_for;
  CHECK(content_type_for("css/app.css") == "text/css; charset=utf-8");
  CHECK(content_type_for("js/app.js") == "text/javascript; charset=utf-8");
  CHECK(content_type_for("js/mod.mjs") == "text/javascript; charset=utf-8");
  CHECK(content_type_for("img/logo.svg") == "image/svg+xml");
  CHECK(content_type_for("img/LOGO.PNG") == "image/png");
  CHECK(content_type_for("photo.jpeg") == "image/jpeg");
  CHECK(content_type_for("photo.jpg") == "image/jpeg");
  CHECK(content_type_for("fonts/a.woff2") == "font/woff2");
  CHECK(content_type_for("data.json") == "application/json");
  CHECK(content_type_for("doc.pdf") == "application/pdf");
  CHECK(content_type_for("LICENSE") == "application/octet-stream");
  CHECK(content_type_for("archive.tar.zst") == "application/octet-stream");
  CHECK(content_type_for("dir.css/file") == "application/octet-stream");
}

TEST_CASE("load skips dot-files, templates, links out of the root and files over the limit", "[static]") {
  AssetTree tree;
  auto [files, warnings] = load_tree(tree);
  auto get = request(Method::get);
  CHECK(files->serve(get, "css/app.css").status == 200);
  CHECK(files->serve(get, "img/logo.png").status == 200);
  CHECK(files->serve(get, "link-in.js").status == 200);
  CHECK(files->serve(get, "link-out.txt").status == 404);
  CHECK(files->serve(get, "big.txt").status == 404);
  CHECK(files->serve(get, "secret.txt").status == 404);
  CHECK(files->serve(get, "templates/page.mustache").status == 404);  // server-side templates
  // Four logical names (app.css, logo.png, app.js, link-in.js), each also fingerprinted.
  CHECK(files->size() == 8);

  bool warned_big = false;
  for (const auto& w : warnings) {
    // Dot-files are skipped silently, not reported as unservable.
    CHECK(w.find(".git") == std::string::npos);
    CHECK(w.find(".env") == std::string::npos);
    warned_big = warned_big || (w.find("too large") != std::string::npos && w.find("big.txt") != std::string::npos);
  }
  CHECK(warned_big);
}

TEST_CASE("a missing root gives an empty set", "[static]") {
  auto files = StaticFiles::load(fs::temp_directory_path() / "ecom_static_test_no_such_dir", "/static");
  CHECK(files->size() == 0);
  CHECK(files->serve(request(Method::get), "app.css").status == 404);
}

TEST_CASE("a logical name is served with a strong, stable ETag and no-cache", "[static]") {
  AssetTree tree;
  auto files = load_tree(tree).files;
  auto r = files->serve(request(Method::get), "css/app.css");
  REQUIRE(r.status == 200);
  CHECK(r.body == css_body());
  CHECK(header(r, "Content-Type") == "text/css; charset=utf-8");
  CHECK(header(r, "Cache-Control") == "no-cache");
  CHECK(header(r, "Vary") == "Accept-Encoding");
  CHECK_FALSE(r.headers.has("Content-Encoding"));

  auto etag = header(r, "ETag");
  CHECK(etag.size() > 2);
  CHECK(etag.front() == '"');
  CHECK(etag.back() == '"');
  CHECK(etag.rfind("W/", 0) == std::string::npos);

  auto reloaded = load_tree(tree).files;
  CHECK(header(reloaded->serve(request(Method::get), "css/app.css"), "ETag") == etag);
  CHECK(header(files->serve(request(Method::get), "img/logo.png"), "ETag") != etag);
}

TEST_CASE("the fingerprinted URL serves the same bytes as immutable", "[static]") {
  AssetTree tree;
  auto files = load_tree(tree).files;
  auto url = files->asset_url("css/app.css");
  REQUIRE(url.rfind("/static/css/app.", 0) == 0);
  REQUIRE(url.size() == std::string_view("/static/css/app.12345678.css").size());
  CHECK(url.substr(url.size() - 4) == ".css");

  auto etag = header(files->serve(request(Method::get), "css/app.css"), "ETag");
  CHECK(url.substr(std::string_view("/static/css/app.").size(), 8) == etag.substr(1, 8));

  auto r = files->serve(request(Method::get), url.substr(std::string_view("/static/").size()));
  REQUIRE(r.status == 200);
  CHECK(r.body == css_body());
  CHECK(header(r, "Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(header(r, "ETag") == etag);
  CHECK(header(r, "Content-Type") == "text/css; charset=utf-8");

  CHECK(files->asset_url("no/such.css") == "/static/no/such.css");
}

TEST_CASE("If-None-Match with the ETag answers 304 without a body", "[static]") {
  AssetTree tree;
  auto files = load_tree(tree).files;
  auto etag = header(files->serve(request(Method::get), "css/app.css"), "ETag");
  for (const auto& inm : std::vector<std::string>{etag, "\"other\", " + etag, "*", "W/" + etag}) {
    INFO(inm);
    auto r = files->serve(request(Method::get, {{"If-None-Match", inm}}), "css/app.css");
    CHECK(r.status == 304);
    CHECK(r.body.empty());
    CHECK(header(r, "ETag") == etag);
    CHECK(header(r, "Cache-Control") == "no-cache");
  }
  auto miss = files->serve(request(Method::get, {{"If-None-Match", "\"other\""}}), "css/app.css");
  CHECK(miss.status == 200);
  CHECK(miss.body == css_body());
}

TEST_CASE("gzip is sent when accepted and inflates to the original", "[static]") {
  AssetTree tree;
  auto files = load_tree(tree).files;
  for (const char* accept : {"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*"}) {
    INFO(accept);
    auto r = files->serve(request(Method::get, {{"Accept-Encoding", accept}}), "css/app.css");
    REQUIRE(r.status == 200);
    CHECK(header(r, "Content-Encoding") == "gzip");
    CHECK(header(r, "Vary") == "Accept-Encoding");
    CHECK(r.body.size() < css_body().size());
    CHECK(gunzip(r.body) == css_body());
  }
}

TEST_CASE("gzip is not sent when refused with q=0 or for incompressible files", "[static]") {
  AssetTree tree;
  auto files = load_tree(tree).files;
  for (const char* accept : {"gzip;q=0", "gzip; q=0.000, br", "br", "*;q=0", "identity", "gzip;q=0, *"}) {
    INFO(accept);
    auto r = files->serve(request(Method::get, {{"Accept-Encoding", accept}}), "css/app.css");
    CHECK_FALSE(r.headers.has("Content-Encoding"));
    CHECK(r.body == css_body());
  }
  auto png = files->serve(request(Method::get, {{"Accept-Encoding", "gzip"}}), "img/logo.png");
  CHECK(png.status == 200);
  CHECK(header(png, "Content-Type") == "image/png");
  CHECK_FALSE(png.headers.has("Content-Encoding"));
  CHECK_FALSE(png.headers.has("Vary"));
}

TEST_CASE("HEAD sends the GET headers and Content-Length without a body", "[static]") {
  AssetTree tree;
  auto files = load_tree(tree).files;
  auto plain = files->serve(request(Method::head), "css/app.css");
  CHECK(plain.status == 200);
  CHECK(plain.body.empty());
  CHECK(header(plain, "Content-Length") == std::to_string(css_body().size()));
  CHECK(header(plain, "Content-Type") == "text/css; charset=utf-8");
  CHECK(header(plain, "ETag") == header(files->serve(request(Method::get), "css/app.css"), "ETag"));

  auto gz = files->serve(request(Method::head, {{"Accept-Encoding", "gzip"}}), "css/app.css");
  auto gz_get = files->serve(request(Method::get, {{"Accept-Encoding", "gzip"}}), "css/app.css");
  CHECK(gz.body.empty());
  CHECK(header(gz, "Content-Encoding") == "gzip");
  CHECK(header(gz, "Content-Length") == std::to_string(gz_get.body.size()));
}

TEST_CASE("methods other than GET and HEAD get 405 with Allow", "[static]") {
  AssetTree tree;
  auto files = load_tree(tree).files;
  for (auto method : {Method::post, Method::put, Method::del, Method::options}) {
    auto r = files->serve(request(method), "css/app.css");
    CHECK(r.status == 405);
    CHECK(header(r, "Allow") == "GET, HEAD");
    CHECK(r.body.find(".product-card") == std::string::npos);
  }
}

TEST_CASE("unknown files and traversal attempts give 404 and never outside content", "[static]") {
  AssetTree tree;
  auto files = load_tree(tree).files;
  for (std::string_view rel :
       {"missing.css", "../secret.txt", "css/../../secret.txt", "..", "..\\secret.txt", "css\\..\\..\\secret.txt",
        "/secret.txt", ".env", ".git/config", "css//app.css", "link-out.txt", "C:/secret.txt"}) {
    INFO(rel);
    auto r = files->serve(request(Method::get), rel);
    CHECK(r.status == 404);
    CHECK(r.body.find(kOutsideSecret) == std::string::npos);
  }
  // "%2e%2e/secret.txt" reaches serve already decoded.
  auto decoded = ecom::http::percent_decode("%2e%2e/secret.txt");
  REQUIRE(decoded.has_value());
  CHECK(files->serve(request(Method::get), *decoded).status == 404);
  CHECK(files->serve(request(Method::get), std::string_view("css/app.css\0", 12)).status == 404);
}
