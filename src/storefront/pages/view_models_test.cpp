#include "pages/view_models.hpp"

#include <ecom/web/templates.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <string>

using namespace ecom::storefront::pages;
using namespace ecom::catalog;

namespace {

const Site kSite{"Demo", "EUR", "https://shop.example", "/media", "/static/app.css", "/static/app.js"};

std::shared_ptr<const ecom::web::Templates> templates() {
  static auto t = ecom::web::Templates::load(ECOM_SOURCE_DIR "/web/storefront/templates");
  return t;
}

bool has(const std::string& body, std::string_view text) {
  return body.find(text) != std::string::npos;
}

Product product_with_images() {
  Product p;
  p.id = 7;
  p.slug = "lamp";
  p.title = "Lamp";
  p.description = "A lamp.";
  p.variants.push_back(Variant{1, "L-1", "Default", {}, Money{1250, "EUR"}, std::nullopt, 0, 9});
  p.images.push_back(Image{1, "products/7/a b.png", "Lamp \"lit\" <on>", 800, 600, 0});
  p.images.push_back(Image{2, "products/7/b.png", "", 640, 480, 1});
  return p;
}

}  // namespace

TEST_CASE("product images carry their size and srcset, only the first loads eagerly", "[pages]") {
  const auto model = product_model(kSite, {}, product_with_images(), std::nullopt);
  const auto html = templates()->render("product", model);
  // Every size of the image (storage/sizes.hpp): the 400-pixel copy for 1x phones, the original.
  CHECK(has(html,
            "<img src=\"/media/products/7/a%20b.png\" srcset=\"/media/products/7/a%20b-400w.png 400w, "
            "/media/products/7/a%20b.png 800w\" sizes=\"(min-width: 48rem) min(50vw, 40rem), 100vw\" width=\"800\" "
            "height=\"600\" "
            "alt=\"Lamp &quot;lit&quot; &lt;on&gt;\" fetchpriority=\"high\" decoding=\"async\">"));
  // No alt text of its own: the product's title.
  CHECK(has(html,
            "<img src=\"/media/products/7/b.png\" srcset=\"/media/products/7/b-400w.png 400w, "
            "/media/products/7/b.png 640w\" sizes=\"(min-width: 48rem) min(50vw, 40rem), 100vw\" width=\"640\" "
            "height=\"480\" alt=\"Lamp\" "
            "loading=\"lazy\""));
  CHECK_FALSE(has(html, "class=\"placeholder\""));
  // Link previews and search engines get absolute image URLs.
  CHECK(has(html, "<meta property=\"og:image\" content=\"https://shop.example/media/products/7/a%20b.png\">"));
  auto ld = model.at("json_ld").as_string();
  CHECK(boost::json::parse(ld).at("image").at(0).as_string() == "https://shop.example/media/products/7/a%20b.png");
  CHECK(has(html, "In stock"));
  CHECK_FALSE(has(html, "class=\"variants\""));  // one variant: no picker
}

TEST_CASE("an asset base URL on a CDN is used as it is", "[pages]") {
  Site cdn = kSite;
  cdn.assets_base_url = "https://cdn.example/m";
  const auto model = product_model(cdn, {}, product_with_images(), std::nullopt);
  CHECK(model.at("og_image").as_string() == "https://cdn.example/m/products/7/a%20b.png");
  const auto& first = model.at("product").at("images").at(0);
  CHECK(first.at("srcset").as_string() ==
        "https://cdn.example/m/products/7/a%20b-400w.png 400w, "
        "https://cdn.example/m/products/7/a%20b.png 800w");
}

TEST_CASE("product cards show the first image lazily, or a placeholder", "[pages]") {
  ProductPage page;
  page.items.push_back(
      ProductSummary{1, "a", "A <1>", 0, Money{500, "EUR"}, Image{1, "products/1/x.png", "", 300, 200, 0}});
  page.items.push_back(ProductSummary{2, "b", "B", 0, std::nullopt, std::nullopt});
  const auto html = templates()->render("home", home_model(kSite, {}, page));
  // Narrower than the smallest copy: the image is its only size.
  CHECK(has(html,
            "<img src=\"/media/products/1/x.png\" srcset=\"/media/products/1/x.png 300w\" "
            "sizes=\"(min-width: 48rem) 15rem, 50vw\" width=\"300\" height=\"200\" alt=\"A &lt;1&gt;\" "
            "loading=\"lazy\""));
  CHECK(has(html, "<span class=\"price\">from \u20AC5.00</span>"));
  CHECK(has(html, "<a href=\"/p/b\">\n\n<span class=\"placeholder\""));
}

TEST_CASE("the breadcrumb runs from the root to the category", "[pages]") {
  std::vector<Category> tree{Category{1, std::nullopt, "a", "A", 0, {Category{2, 1, "b", "B", 0, {}}}},
                             Category{3, std::nullopt, "c", "C", 1, {}}};
  const auto path = category_path(tree, "b");
  REQUIRE(path.size() == 2);
  CHECK(path[0]->slug == "a");
  CHECK(path[1]->slug == "b");
  CHECK(category_path(tree, "zzz").empty());
}

TEST_CASE("the sitemap encodes and escapes what it lists", "[pages]") {
  std::vector<Category> tree{Category{1, std::nullopt, "a", "A", 0, {Category{2, 1, "b", "B", 0, {}}}}};
  const auto xml = sitemap_xml(kSite, tree, {"x&y<z", "plain"});
  CHECK(has(xml, "<loc>https://shop.example/c/b</loc>"));
  CHECK(has(xml, "<loc>https://shop.example/p/x%26y%3Cz</loc>"));
  CHECK(has(xml, "<loc>https://shop.example/p/plain</loc>"));
  CHECK_FALSE(has(xml, "x&y"));
  // Capped at the protocol's 50,000 URLs, however many products there are.
  const std::vector<std::string> many(kSitemapMaxUrls + 10, "p");
  const auto big = sitemap_xml(kSite, tree, many);
  std::size_t urls = 0;
  for (auto at = big.find("<url>"); at != std::string::npos; at = big.find("<url>", at + 1)) {
    ++urls;
  }
  CHECK(urls == kSitemapMaxUrls);
}
