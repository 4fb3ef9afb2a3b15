// The admin's catalog pages over HTTP: an in-process server with the real templates and assets on
// a migrated SQLite file, image files in a temporary folder.
#include "pages/routes.hpp"

#include "catalog/image_routes.hpp"
#include "http_client.hpp"
#include "pages/form.hpp"
#include "test_server.hpp"
#include "test_support.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/catalog/admin.hpp>
#include <ecom/catalog/images.hpp>
#include <ecom/db/migrations.hpp>
#include <ecom/storage/placeholder.hpp>
#include <ecom/storage/storage.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using Catch::Contains;

namespace {

namespace catalog = ecom::catalog;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kEvilTitle = "<script>alert(1)</script>";
constexpr int kProducts = 55;  // more than one page of 50

// Categories: clothing > shoes, accessories. Products sneaker-1..55 (every fifth a draft, the
// others active), each with one EUR variant SNK-n; "evil" with a hostile title and variant EVIL-1.
struct Portal {
  Portal()
      : db(std::make_unique<ecom::db::Database>(ecom::db::test::sqlite_options(dir.path() / "shop.db"))),
        cache(ecom::cache::LocalCacheOptions{}),
        media(dir.path() / "media") {
    ecom::db::Migrator(*db, ECOM_SOURCE_DIR "/migrations").apply();
    admin = std::make_unique<catalog::CatalogAdmin>(*db, cache);
    images = std::make_unique<catalog::ImageService>(*db, cache, media);
    admin->create_category(catalog::NewCategory{"clothing", "Clothing", std::nullopt, 0});
    admin->create_category(catalog::NewCategory{"shoes", "Shoes", std::string("clothing"), 0});
    admin->create_category(catalog::NewCategory{"accessories", "Accessories", std::nullopt, 1});
    for (int n = 1; n <= kProducts; ++n) {
      catalog::NewProduct p;
      p.slug = "sneaker-" + std::to_string(n);
      p.title = "Sneaker " + std::to_string(n);
      p.status = n % 5 == 0 ? catalog::ProductStatus::draft : catalog::ProductStatus::active;
      p.category_slugs = {"shoes"};
      const auto created = admin->create_product(p);
      catalog::NewVariant v;
      v.sku = "SNK-" + std::to_string(n);
      v.title = "One size";
      v.price = catalog::Money{1000 + n, "EUR"};
      admin->add_variant(created.id, v, created.version);
    }
    catalog::NewProduct evil;
    evil.slug = "evil";
    evil.title = std::string(kEvilTitle);
    evil.description = "</textarea><script>alert(2)</script>";
    evil.category_slugs = {"accessories"};
    auto created = admin->create_product(evil);
    catalog::NewVariant v;
    v.sku = "EVIL-1";
    v.title = "Small";
    v.price = catalog::Money{500, "EUR"};
    created = admin->add_variant(created.id, v, created.version);
    evil_id = created.id;
    evil_variant = created.variants.front().id;

    ecom::http::Router router;
    ecom::admin::pages::add_routes(
        router, ecom::admin::pages::Settings{"https://cdn.example/media", "EUR", "/api/v1/admin/products.csv"},
        ecom::http::StaticFiles::load(ECOM_SOURCE_DIR "/web", "/static"),
        ecom::web::Templates::load(ECOM_SOURCE_DIR "/web/admin/templates"), *admin, *images);
    server = std::make_unique<ecom::test::TestServer>(std::move(router));
  }

  [[nodiscard]] ecom::test::RawResponse get(std::string_view target) const {
    return ecom::test::fetch(server->port(), "GET", target, {{"Accept", "text/html"}});
  }
  // A form POST as a browser sends it from the admin's own pages (Host is "test").
  [[nodiscard]] ecom::test::RawResponse post(std::string_view target, std::string_view body,
                                             Headers extra = {{"Origin", "http://test"},
                                                              {"Sec-Fetch-Site", "same-origin"}}) const {
    extra.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    extra.emplace_back("Accept", "text/html");
    return ecom::test::fetch(server->port(), "POST", target, extra, body);
  }
  [[nodiscard]] catalog::Product evil() const { return admin->get_product(evil_id); }
  [[nodiscard]] std::string evil_url() const { return "/products/" + std::to_string(evil_id); }
  [[nodiscard]] std::string version() const { return std::to_string(evil().version); }

  ecom::db::test::TempDir dir;
  std::unique_ptr<ecom::db::Database> db;
  ecom::cache::LocalCache cache;
  ecom::storage::LocalDiskStorage media;
  std::unique_ptr<catalog::CatalogAdmin> admin;
  std::unique_ptr<catalog::ImageService> images;
  std::int64_t evil_id = 0;
  std::int64_t evil_variant = 0;
  std::unique_ptr<ecom::test::TestServer> server;
};

bool has(const std::string& body, std::string_view text) {
  return body.find(text) != std::string::npos;
}

std::size_t count(const std::string& body, std::string_view text) {
  std::size_t n = 0;
  for (auto at = body.find(text); at != std::string::npos; at = body.find(text, at + text.size())) {
    ++n;
  }
  return n;
}

std::string unescape_amp(std::string text) {
  for (auto at = text.find("&amp;"); at != std::string::npos; at = text.find("&amp;", at + 1)) {
    text.replace(at, 5, "&");
  }
  return text;
}

std::string next_link(const std::string& body) {
  const std::string marker = "rel=\"next\" href=\"";
  const auto at = body.find(marker);
  if (at == std::string::npos) {
    return "";
  }
  const auto start = at + marker.size();
  return unescape_amp(body.substr(start, body.find('"', start) - start));
}

constexpr std::string_view kRow = "<tr><td><a href=\"/products/";

}  // namespace

TEST_CASE("admin pages: the product list pages, searches and filters", "[admin][pages]") {
  Portal portal;
  auto first = portal.get("/products");
  REQUIRE(first.status == 200);
  CHECK(first.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(first.header("Cache-Control") == "no-store");
  CHECK(count(first.body, kRow) == 50);
  CHECK(has(first.body, "<code>sneaker-1</code>"));
  CHECK(has(first.body, "class=\"status status-draft\">draft</span>"));
  const auto next = next_link(first.body);
  REQUIRE(next.starts_with("/products?after="));
  auto second = portal.get(next);
  REQUIRE(second.status == 200);
  CHECK(count(second.body, kRow) == kProducts + 1 - 50);
  CHECK(has(second.body, "<code>evil</code>"));
  CHECK(next_link(second.body).empty());

  // By title, slug or SKU; the filters stay in the form and in the next link.
  auto search = portal.get("/products?q=sneaker-1&status=active");
  REQUIRE(search.status == 200);
  CHECK(has(search.body, "value=\"sneaker-1\""));
  CHECK(has(search.body, "<option value=\"active\" selected>"));
  CHECK(has(search.body, "<code>sneaker-11</code>"));
  CHECK_FALSE(has(search.body, "<code>sneaker-10</code>"));  // a draft
  CHECK_FALSE(has(search.body, "<code>sneaker-2</code>"));
  auto by_sku = portal.get("/products?q=EVIL-1");
  CHECK(count(by_sku.body, kRow) == 1);
  CHECK(has(by_sku.body, "<code>evil</code>"));
  auto drafts = portal.get("/products?status=draft");
  CHECK(count(drafts.body, kRow) == kProducts / 5 + 1);  // every fifth sneaker, and evil
  CHECK(count(drafts.body, "status-active") == 0);
  auto none = portal.get("/products?q=nothing-like-this");
  CHECK(has(none.body, "No products match."));

  // Bad parameters: a readable page, not a 500.
  auto bad_status = portal.get("/products?status=bogus");
  CHECK(bad_status.status == 400);
  CHECK(bad_status.header("Content-Type") == "text/html; charset=utf-8");
  CHECK_THAT(bad_status.body, Contains("must be draft, active or archived") && Contains("class=\"brand\""));
  CHECK(portal.get("/products?after=abc").status == 400);
  // Malformed escapes and repeats, through the one query parser (http::Params).
  auto escape = portal.get("/products?q=%zz");
  CHECK(escape.status == 400);
  CHECK_THAT(escape.body, Contains("<strong>q</strong>") && Contains("is not properly percent-encoded"));
  auto twice = portal.get("/products?status=draft&status=active");
  CHECK(twice.status == 400);
  CHECK_THAT(twice.body, Contains("<strong>status</strong>") && Contains("given more than once"));
}

TEST_CASE("admin pages: a new product is created as a draft and opened in the editor", "[admin][pages]") {
  Portal portal;
  auto created = portal.post("/products", "title=Wool+hat&slug=wool-hat");
  REQUIRE(created.status == 303);
  const auto location = created.header("Location").value_or("");
  REQUIRE(location.starts_with("/products/"));
  auto editor = portal.get(location);
  REQUIRE(editor.status == 200);
  CHECK(has(editor.body, "Product created."));
  CHECK(has(editor.body, "value=\"wool-hat\""));

  auto taken = portal.post("/products", "title=Another&slug=evil");
  CHECK(taken.status == 409);
  CHECK(has(taken.body, "value=\"Another\""));  // what was typed is kept
  CHECK(has(taken.body, "class=\"problem\""));
}

TEST_CASE("admin pages: the editor saves, and a stale version loses nothing", "[admin][pages]") {
  Portal portal;
  auto page = portal.get(portal.evil_url());
  REQUIRE(page.status == 200);
  const auto version = portal.version();
  CHECK(has(page.body, "name=\"version\" value=\"" + version + "\""));
  CHECK(has(page.body, "<input type=\"checkbox\" name=\"category\" value=\"accessories\" checked>"));

  auto saved = portal.post(portal.evil_url(), "version=" + version +
                                                  "&title=Safe+title&slug=evil&description=Plain&seo_title=SEO"
                                                  "&seo_description=&category=shoes&category=accessories"
                                                  "&attributes=colour%3Dred%0Amaterial%3Dsteel");
  REQUIRE(saved.status == 303);
  CHECK(saved.header("Location") == portal.evil_url() + "?done=saved");
  auto product = portal.evil();
  CHECK(product.title == "Safe title");
  CHECK(product.description == "Plain");
  CHECK(product.seo_title == "SEO");
  REQUIRE(product.categories.size() == 2);
  REQUIRE(product.attributes.size() == 2);
  CHECK(product.attributes[0].name == "colour");
  CHECK(product.attributes[1].value == "steel");
  CHECK(has(portal.get(portal.evil_url() + "?done=saved").body, "Saved."));

  // Someone else saves meanwhile; the first editor's form still carries the old version.
  const auto now = product.version;
  catalog::ProductChanges other;
  other.title = "Their title";
  portal.admin->update_product(portal.evil_id, other, now);
  auto stale = portal.post(portal.evil_url(),
                           "version=" + std::to_string(now) + "&title=My+%3Cedit%3E&slug=evil&description=Mine");
  CHECK(stale.status == 409);
  CHECK_THAT(stale.body, Contains("changed by someone else meanwhile; your changes were not saved"));
  CHECK(has(stale.body, "value=\"My &lt;edit&gt;\""));
  CHECK(has(stale.body, ">\nMine</textarea>"));
  CHECK(has(stale.body, "name=\"version\" value=\"" + std::to_string(now) + "\""));  // resubmitting fails again
  CHECK(portal.evil().title == "Their title");
  CHECK(portal.evil().description == "Plain");

  // A malformed attribute line is refused in place.
  auto bad = portal.post(portal.evil_url(), "version=" + std::to_string(portal.evil().version) +
                                                "&title=X&slug=evil&attributes=colour%3Dred%0Anonsense");
  CHECK(bad.status == 422);
  CHECK_THAT(bad.body, Contains("line 2"));
  CHECK(portal.evil().title == "Their title");
  CHECK(portal.post(portal.evil_url(), "title=No+version").status == 400);
  // A malformed escape or a repeated field (only category may repeat) is a 400 naming the field,
  // and nothing is saved.
  const auto current = "version=" + std::to_string(portal.evil().version);
  auto escape = portal.post(portal.evil_url(), current + "&title=50%&slug=evil");
  CHECK(escape.status == 400);
  CHECK_THAT(escape.body, Contains("<strong>title</strong>") && Contains("is not properly percent-encoded"));
  auto twice = portal.post(portal.evil_url(), current + "&title=A&title=B&slug=evil");
  CHECK(twice.status == 400);
  CHECK_THAT(twice.body, Contains("<strong>title</strong>") && Contains("given more than once"));
  CHECK(portal.evil().title == "Their title");
}

TEST_CASE("admin pages: publish, unpublish and delete", "[admin][pages]") {
  Portal portal;
  auto published = portal.post(portal.evil_url() + "/status", "version=" + portal.version() + "&status=active");
  REQUIRE(published.status == 303);
  CHECK(portal.evil().status == catalog::ProductStatus::active);
  CHECK(has(portal.get(portal.evil_url()).body, "value=\"draft\">Unpublish"));
  CHECK(portal.post(portal.evil_url() + "/status", "version=" + portal.version() + "&status=gone").status == 400);

  auto unticked = portal.post(portal.evil_url() + "/delete", "version=" + portal.version());
  CHECK(unticked.status == 422);
  CHECK(has(unticked.body, "nothing was deleted"));
  auto deleted = portal.post(portal.evil_url() + "/delete", "version=" + portal.version() + "&confirm=yes");
  REQUIRE(deleted.status == 303);
  CHECK(deleted.header("Location") == "/products?done=deleted");
  CHECK(portal.get(portal.evil_url()).status == 404);
}

TEST_CASE("admin pages: variant prices are decimals turned into minor units", "[admin][pages]") {
  Portal portal;
  const auto url = portal.evil_url() + "/variants/" + std::to_string(portal.evil_variant);
  const auto fields = [](const std::string& version, const std::string& price) {
    return "version=" + version + "&sku=EVIL-1&title=Small&price=" + price + "&compare_at=&on_hand=4&weight_grams=250";
  };
  auto saved = portal.post(url, fields(portal.version(), "19.99"));
  REQUIRE(saved.status == 303);
  auto variant = portal.evil().variants.front();
  CHECK(variant.price == catalog::Money{1999, "EUR"});
  CHECK(variant.on_hand == 4);
  CHECK(variant.weight_grams == 250);
  CHECK_FALSE(variant.compare_at.has_value());
  CHECK(has(portal.get(portal.evil_url()).body, "name=\"price\" value=\"19.99\""));

  for (const auto& [price, message] : std::vector<std::pair<std::string, std::string>>{
           {"19.999", "2 decimal places"}, {"abc", "not a price"}, {"-1", "not a price"}}) {
    INFO(price);
    auto refused = portal.post(url, fields(portal.version(), price));
    CHECK(refused.status == 422);
    CHECK_THAT(refused.body, Contains(message) && Contains("<strong>price</strong>"));
    CHECK(has(refused.body, "name=\"price\" value=\"" + price + "\""));  // what was typed stays
    CHECK(portal.evil().variants.front().price.amount == 1999);
  }

  auto with_compare = portal.post(
      url, "version=" + portal.version() + "&sku=EVIL-1&title=Small&price=5&compare_at=7.5&on_hand=0&weight_grams=0");
  REQUIRE(with_compare.status == 303);
  CHECK(portal.evil().variants.front().price.amount == 500);
  CHECK(portal.evil().variants.front().compare_at == catalog::Money{750, "EUR"});
}

TEST_CASE("admin pages: variants are added and deleted", "[admin][pages]") {
  Portal portal;
  auto added = portal.post(portal.evil_url() + "/variants",
                           "version=" + portal.version() +
                               "&sku=EVIL-2&title=Large&options=size%3DL&price=24.50&compare_at=&currency=EUR"
                               "&on_hand=3&weight_grams=0");
  REQUIRE(added.status == 303);
  auto product = portal.evil();
  REQUIRE(product.variants.size() == 2);
  CHECK(product.variants[1].sku == "EVIL-2");
  CHECK(product.variants[1].price == catalog::Money{2450, "EUR"});
  REQUIRE(product.variants[1].options.size() == 1);
  CHECK(product.variants[1].options[0].second == "L");

  auto duplicate = portal.post(portal.evil_url() + "/variants", "version=" + portal.version() +
                                                                    "&sku=EVIL-2&title=Again&price=1&currency=EUR"
                                                                    "&on_hand=0&weight_grams=0");
  CHECK(duplicate.status == 409);
  CHECK(has(duplicate.body, "value=\"Again\""));
  CHECK(portal.evil().variants.size() == 2);

  auto deleted = portal.post(portal.evil_url() + "/variants/" + std::to_string(product.variants[1].id) + "/delete",
                             "version=" + portal.version());
  REQUIRE(deleted.status == 303);
  CHECK(portal.evil().variants.size() == 1);
  // A variant of another product is not found.
  CHECK(portal
            .post("/products/1/variants/" + std::to_string(portal.evil_variant) + "/delete",
                  "version=" + std::to_string(portal.admin->get_product(1).version))
            .status == 404);
}

TEST_CASE("admin pages: images show as thumbnails and their alt text is edited", "[admin][pages]") {
  Portal portal;
  const auto png = ecom::storage::placeholder_png(30, 20, ecom::storage::Rgb{1, 2, 3}, ecom::storage::Rgb{4, 5, 6});
  const auto image = portal.images->add_image(portal.evil_id, png, "<b>alt</b>");
  auto page = portal.get(portal.evil_url());
  CHECK(has(page.body, "<img src=\"https://cdn.example/media/" + image.path +
                           "\" width=\"30\" height=\"20\" alt=\"&lt;b&gt;alt&lt;/b&gt;\""));
  CHECK(has(page.body, "data-upload=\"/api/v1/admin/products/" + std::to_string(portal.evil_id) + "/images\""));
  const auto image_url = portal.evil_url() + "/images/" + std::to_string(image.id);
  REQUIRE(portal.post(image_url, "version=" + portal.version() + "&alt=A+lamp").status == 303);
  CHECK(portal.evil().images.front().alt == "A lamp");
  REQUIRE(portal.post(image_url + "/delete", "version=" + portal.version()).status == 303);
  CHECK(portal.evil().images.empty());
}

TEST_CASE("admin pages: user text is escaped on the list and the editor", "[admin][pages]") {
  Portal portal;
  for (const auto& target : {std::string("/products?q=evil"), portal.evil_url()}) {
    INFO(target);
    auto res = portal.get(target);
    REQUIRE(res.status == 200);
    CHECK_FALSE(has(res.body, "<script>alert"));
    CHECK_FALSE(has(res.body, "</textarea><script>"));
    CHECK(has(res.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  }
}

TEST_CASE("admin pages: the category tree is created, moved and protected", "[admin][pages]") {
  Portal portal;
  auto page = portal.get("/categories");
  REQUIRE(page.status == 200);
  CHECK(has(page.body, "<span class=\"cat-name\">Shoes</span>"));
  // Shoes is nested inside clothing's list.
  CHECK(page.body.find("Clothing</span>") < page.body.find("Shoes</span>"));
  CHECK(page.body.find("Shoes</span>") < page.body.find("Accessories</span>"));

  REQUIRE(portal.post("/categories", "name=Hats&slug=hats&parent=accessories&position=2").status == 303);
  const auto find = [&](const std::string& slug) -> std::optional<catalog::Category> {
    std::vector<catalog::Category> stack = portal.admin->category_tree();
    while (!stack.empty()) {
      auto node = stack.back();
      stack.pop_back();
      if (node.slug == slug) {
        return node;
      }
      stack.insert(stack.end(), node.children.begin(), node.children.end());
    }
    return std::nullopt;
  };
  auto hats = find("hats");
  REQUIRE(hats);
  CHECK(hats->parent_id == find("accessories")->id);
  CHECK(hats->position == 2);

  auto bad = portal.post("/categories", "name=Bad&slug=bad&position=-1");
  CHECK(bad.status == 422);
  CHECK(has(bad.body, "value=\"Bad\""));

  // Move hats to the top level, then under shoes.
  const auto hats_url = "/categories/" + std::to_string(hats->id);
  REQUIRE(portal.post(hats_url, "name=Caps&slug=hats&parent=&position=5").status == 303);
  CHECK_FALSE(find("hats")->parent_id.has_value());
  CHECK(find("hats")->name == "Caps");
  REQUIRE(portal.post(hats_url, "name=Caps&slug=hats&parent=shoes&position=0").status == 303);
  CHECK(find("hats")->parent_id == find("shoes")->id);

  // Clothing into its own descendant: refused.
  const auto clothing_url = "/categories/" + std::to_string(find("clothing")->id);
  auto loop = portal.post(clothing_url, "name=Clothing&slug=clothing&parent=shoes&position=0");
  CHECK(loop.status == 422);
  CHECK_FALSE(find("clothing")->parent_id.has_value());

  // Clothing has sub-categories: refused with a readable message, nothing deleted.
  auto refused = portal.post(clothing_url + "/delete", "");
  CHECK(refused.status == 409);
  CHECK(refused.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(has(refused.body, "class=\"problem\""));
  CHECK(find("clothing"));

  REQUIRE(portal.post("/categories/" + std::to_string(find("hats")->id) + "/delete", "").status == 303);
  CHECK_FALSE(find("hats"));
  CHECK(portal.post("/categories/999999/delete", "").status == 404);
}

TEST_CASE("admin pages: CSV import shows its report or its problems", "[admin][pages]") {
  Portal portal;
  auto page = portal.get("/import");
  REQUIRE(page.status == 200);
  CHECK(has(page.body, "href=\"/api/v1/admin/products.csv\""));

  const std::string good =
      "slug,title,status,sku,price,currency,on_hand\n"
      "scarf,Scarf,active,SCARF-1,1500,EUR,3\n"
      "scarf,Scarf,active,SCARF-2,1600,EUR,1\n"
      "evil,Renamed,draft,EVIL-1,700,EUR,2\n";
  auto imported = portal.post("/import", "csv=" + ecom::http::encode_component(good));
  REQUIRE(imported.status == 200);
  CHECK_THAT(imported.body, Contains("Import report") && Contains("Import done."));
  CHECK(has(imported.body, "<tr><th>Rows read</th><td class=\"num\">3</td></tr>"));
  CHECK(has(imported.body, "<tr><th>Products created</th><td class=\"num\">1</td></tr>"));
  CHECK(has(imported.body, "<tr><th>Products updated</th><td class=\"num\">1</td></tr>"));
  CHECK(has(imported.body, "<tr><th>Variants created</th><td class=\"num\">2</td></tr>"));
  CHECK(portal.evil().title == "Renamed");

  const std::string bad =
      "slug,title,sku,price,currency\n"
      "hat,Hat,HAT-1,abc,EUR\n"
      "evil,Evil again,EVIL-9,100,EUR\n";
  auto refused = portal.post("/import", "csv=" + ecom::http::encode_component(bad));
  CHECK(refused.status == 422);
  CHECK_THAT(refused.body, Contains("Fix the rows below") && Contains("<h2>Problems</h2>"));
  CHECK(has(refused.body, "<tr><td class=\"num\">2</td><td><code>price</code></td>"));
  CHECK(has(refused.body, "HAT-1,abc,EUR"));  // the text stays in the box
  CHECK_THROWS(portal.admin->get_product(999));
  CHECK(portal.evil().title == "Renamed");

  CHECK(portal.post("/import", "csv=").status == 422);
}

TEST_CASE("admin pages: posts from another site are refused", "[admin][pages]") {
  Portal portal;
  const auto body = "version=" + portal.version() + "&status=active";
  const auto url = portal.evil_url() + "/status";
  auto evil_origin = portal.post(url, body, {{"Origin", "https://evil.example"}});
  CHECK(evil_origin.status == 403);
  CHECK(has(evil_origin.body, "sent from another web site"));
  CHECK(portal.post(url, body, {{"Sec-Fetch-Site", "cross-site"}}).status == 403);
  CHECK(portal.post(url, body, {{"Sec-Fetch-Site", "same-site"}, {"Origin", "http://test"}}).status == 403);
  CHECK(portal.post(url, body, {{"Origin", "null"}}).status == 403);
  CHECK(portal.post(url, body, {{"Origin", "http://test:8081"}}).status == 403);
  CHECK(portal.evil().status == catalog::ProductStatus::draft);

  // Typed by the user (none), an old browser without either header, or the admin's own origin.
  CHECK(portal.post(url, body, {{"Sec-Fetch-Site", "none"}}).status == 303);
  CHECK(portal.post(url, "version=" + portal.version() + "&status=draft", {}).status == 303);
  CHECK(portal.post(url, "version=" + portal.version() + "&status=active", {{"Origin", "http://TEST"}}).status == 303);
  CHECK(portal.evil().status == catalog::ProductStatus::active);

  // Not a form: refused before anything is read.
  auto json = ecom::test::fetch(portal.server->port(), "POST", url,
                                {{"Content-Type", "application/json"}, {"Origin", "http://test"}}, "{}");
  CHECK(json.status == 415);
}

TEST_CASE("admin pages: unknown products and categories give a 404 page", "[admin][pages]") {
  Portal portal;
  for (const auto* target : {"/products/999999", "/products/abc", "/products/0"}) {
    INFO(target);
    auto res = portal.get(target);
    CHECK(res.status == 404);
    CHECK(res.header("Content-Type") == "text/html; charset=utf-8");
    CHECK_THAT(res.body, Contains("<h1>") && Contains("Back to the products"));
  }
  CHECK(portal.post("/products/999999", "version=1&title=X&slug=x").status == 404);
  CHECK(portal.post("/categories/abc", "name=X&slug=x&position=0").status == 404);
}

TEST_CASE("admin pages: main() wires them from the admin's configuration", "[admin][pages]") {
  Portal portal;
  ecom::config::Schema schema;
  schema.string("static.root", "web", "static assets");
  ecom::admin::catalog::declare_image_config(schema);
  auto env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  const auto media = (portal.dir.path() / "media2").string();
  auto config =
      ecom::config::Config::parse(schema,
                                  R"({"static":{"root":")" + std::string(ECOM_SOURCE_DIR) +
                                      R"(/web"},"storage":{"root":")" + media + R"("},"assets":{"base_url":"/media"}})",
                                  "test.json", env);
  const auto files = ecom::http::StaticFiles::load(ECOM_SOURCE_DIR "/web", "/static");
  // The image API's service over storage.root, as main() passes it.
  ecom::storage::LocalDiskStorage store(media);
  ecom::catalog::ImageService images(*portal.db, portal.cache, store);
  ecom::http::Router router;
  ecom::admin::pages::add_routes(router, config, files, *portal.admin, images);
  ecom::test::TestServer server(std::move(router));
  auto list = ecom::test::fetch(server.port(), "GET", "/products?q=evil");
  REQUIRE(list.status == 200);
  CHECK(count(list.body, kRow) == 1);
  // An image uploaded through that service shows on the editor.
  const auto image = images.add_image(
      portal.evil_id, ecom::storage::placeholder_png(8, 8, ecom::storage::Rgb{1, 1, 1}, ecom::storage::Rgb{2, 2, 2}),
      "");
  auto editor = ecom::test::fetch(server.port(), "GET", portal.evil_url());
  CHECK(has(editor.body, "src=\"/media/" + image.path + "\""));
  // The admin serves the stored files under a path base URL, for its thumbnails.
  auto file = ecom::test::fetch(server.port(), "GET", "/media/" + image.path);
  REQUIRE(file.status == 200);
  CHECK(file.header("Content-Type") == "image/png");
  CHECK(file.body == *store.get(image.path));
  CHECK(ecom::test::fetch(server.port(), "GET", "/media/products/1/missing.png").status == 404);
  CHECK(ecom::test::fetch(server.port(), "GET", "/media/../shop.db").status == 404);
  const auto image_url = portal.evil_url() + "/images/" + std::to_string(image.id) + "/delete";
  auto deleted = ecom::test::fetch(server.port(), "POST", image_url,
                                   {{"Content-Type", "application/x-www-form-urlencoded"}}, "version=1");
  CHECK(deleted.status == 303);
  CHECK(portal.evil().images.empty());
  CHECK_FALSE(store.exists(image.path));

  auto bad = ecom::config::Config::parse(schema, R"({"assets":{"base_url":"/media/"}})", "test.json", env);
  ecom::http::Router other;
  CHECK_THROWS_WITH(ecom::admin::pages::add_routes(other, bad, files, *portal.admin, images),
                    Contains("assets.base_url"));
}
