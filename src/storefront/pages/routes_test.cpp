#include "pages/test_shop.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

using Catch::Contains;
using ecom::storefront::test::kEvilDescription;
using ecom::storefront::test::kSneakers;
using ecom::storefront::test::Shop;

namespace {

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

// The product slugs of a listing's cards, in order.
std::vector<std::string> card_slugs(const std::string& body) {
  std::vector<std::string> slugs;
  const std::string marker = "<li class=\"card\">\n<a href=\"/p/";
  for (auto at = body.find(marker); at != std::string::npos; at = body.find(marker, at + 1)) {
    const auto start = at + marker.size();
    slugs.push_back(body.substr(start, body.find('"', start) - start));
  }
  return slugs;
}

// The value of href in the first <a ... rel="next" href="..."> (HTML-unescaped &amp;).
std::string next_link(const std::string& body) {
  const std::string marker = "rel=\"next\" href=\"";
  const auto at = body.find(marker);
  if (at == std::string::npos) {
    return "";
  }
  const auto start = at + marker.size();
  auto href = body.substr(start, body.find('"', start) - start);
  for (auto amp = href.find("&amp;"); amp != std::string::npos; amp = href.find("&amp;", amp + 1)) {
    href.replace(amp, 5, "&");
  }
  return href;
}

std::string json_ld(const std::string& body) {
  const std::string open = "<script type=\"application/ld+json\">";
  const auto at = body.find(open);
  REQUIRE(at != std::string::npos);
  const auto start = at + open.size();
  return body.substr(start, body.find("</script>", start) - start);
}

void check_no_raw_evil(const std::string& body) {
  CHECK_FALSE(has(body, "<script>alert"));
  CHECK_FALSE(has(body, "<b>steel"));
}

}  // namespace

TEST_CASE("the home page lists categories and the newest products", "[pages]") {
  Shop shop;
  auto res = shop.get("/");
  REQUIRE(res.status == 200);
  CHECK(res.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(has(res.body, "<title>Demo Shop</title>"));
  CHECK(has(res.body, "<a href=\"/c/clothing\">Clothing</a>"));
  CHECK(has(res.body, "<a href=\"/c/shoes\">Shoes</a>"));
  CHECK(has(res.body, "<link rel=\"canonical\" href=\"https://shop.example/\">"));
  CHECK(has(res.body, "<meta property=\"og:title\" content=\"Demo Shop\">"));
  // The stylesheet by its fingerprinted name.
  CHECK(has(res.body, "href=\"/static/storefront/app."));
  CHECK_FALSE(has(res.body, "href=\"/static/storefront/app.css\""));
  // The eight newest: the hostile product (created last among the active ones) and sneakers 30..24.
  const auto slugs = card_slugs(res.body);
  CHECK(slugs.size() == 8);
  CHECK(std::find(slugs.begin(), slugs.end(), "evil") != slugs.end());
  CHECK(std::find(slugs.begin(), slugs.end(), "draft-thing") == slugs.end());
  check_no_raw_evil(res.body);
  CHECK(has(res.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
}

TEST_CASE("the product page shows price, stock, variants and SEO data, all escaped", "[pages]") {
  Shop shop;
  auto res = shop.get("/p/evil");
  REQUIRE(res.status == 200);
  check_no_raw_evil(res.body);
  CHECK(has(res.body, "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"));
  CHECK(has(res.body, "Quotes &quot;&amp;&lt;&gt;&apos; and &lt;/script&gt;"));
  CHECK(has(res.body, "<title>&lt;script&gt;alert(1)&lt;/script&gt; | Demo Shop</title>"));
  CHECK(has(res.body, "<strong>\u20AC19.99</strong>"));
  CHECK(has(res.body, "<s class=\"compare-at\""));
  CHECK(has(res.body, ">\u20AC29.99</s>"));
  CHECK(has(res.body, "Only 3 left"));
  CHECK(has(res.body, "&lt;b&gt;steel&lt;/b&gt;"));
  // The picker: the chosen variant is marked, the other is a link that works without JavaScript.
  CHECK(has(res.body, "<a class=\"variant\" href=\"/p/evil?variant=" + std::to_string(shop.evil_variant(1)) + "\">"));
  CHECK(has(res.body, "<span aria-current=\"true\" class=\"variant selected\">Small"));
  // Breadcrumb through the product's first category.
  CHECK(has(res.body, "<li><a href=\"/c/accessories\">Accessories</a></li>"));
  CHECK(has(res.body, "<li aria-current=\"page\">&lt;script&gt;"));
  // No images yet: a neutral placeholder.
  CHECK(has(res.body, "<div class=\"placeholder\""));
  // SEO.
  CHECK(has(res.body, "<link rel=\"canonical\" href=\"https://shop.example/p/evil\">"));
  CHECK(has(res.body, "<meta property=\"og:type\" content=\"product\">"));
  CHECK(has(res.body, "<meta property=\"og:url\" content=\"https://shop.example/p/evil\">"));
  CHECK(has(res.body, "<meta property=\"og:title\" content=\"&lt;script&gt;alert(1)&lt;/script&gt;\">"));
  CHECK(has(res.body, "<meta name=\"description\" content=\"Quotes &quot;&amp;&lt;&gt;&apos; and"));

  // JSON-LD: one </script> closes the block (the description's own is \u003c-escaped), and the
  // data parses back to the original text.
  const auto ld_text = json_ld(res.body);
  CHECK(ld_text.find('<') == std::string::npos);
  auto ld = boost::json::parse(ld_text).as_object();
  CHECK(ld.at("@type").as_string() == "Product");
  CHECK(ld.at("name").as_string() == ecom::storefront::test::kEvilTitle);
  CHECK(ld.at("description").as_string() == kEvilDescription);
  const auto& offers = ld.at("offers").as_array();
  REQUIRE(offers.size() == 2);
  CHECK(offers[0].at("price").as_string() == "19.99");
  CHECK(offers[0].at("priceCurrency").as_string() == "EUR");
  CHECK(offers[0].at("availability").as_string() == "https://schema.org/InStock");
  CHECK(offers[1].at("price").as_string() == "24.99");
  CHECK(offers[1].at("availability").as_string() == "https://schema.org/OutOfStock");
}

TEST_CASE("the variant picker selects by ?variant=", "[pages]") {
  Shop shop;
  auto res = shop.get("/p/evil?variant=" + std::to_string(shop.evil_variant(1)));
  REQUIRE(res.status == 200);
  CHECK(has(res.body, "<strong>\u20AC24.99</strong>"));
  CHECK_FALSE(has(res.body, "compare-at"));
  CHECK(has(res.body, "Out of stock"));
  CHECK(has(res.body, "<span aria-current=\"true\" class=\"variant selected\">Large"));
  // The canonical URL stays the product's.
  CHECK(has(res.body, "<link rel=\"canonical\" href=\"https://shop.example/p/evil\">"));

  CHECK(shop.get("/p/evil?variant=abc").status == 400);
  CHECK(shop.get("/p/evil?variant=999999").status == 404);
}

TEST_CASE("the category page pages through its products with a cursor link", "[pages]") {
  Shop shop;
  auto first = shop.get("/c/shoes");
  REQUIRE(first.status == 200);
  CHECK(has(first.body, "<h1>Shoes</h1>"));
  CHECK(has(first.body, "<ol>\n<li><a href=\"/\">Demo Shop</a></li>\n<li><a href=\"/c/clothing\">Clothing</a></li>\n"));
  CHECK(has(first.body, "<li aria-current=\"page\">Shoes</li>"));
  CHECK(has(first.body, "<link rel=\"canonical\" href=\"https://shop.example/c/shoes\">"));
  auto slugs = card_slugs(first.body);
  CHECK(slugs.size() == 24);
  const auto next = next_link(first.body);
  REQUIRE(next.starts_with("/c/shoes?cursor="));
  auto second = shop.get(next);
  REQUIRE(second.status == 200);
  const auto more = card_slugs(second.body);
  CHECK(more.size() == static_cast<std::size_t>(kSneakers) - 24);
  CHECK(next_link(second.body).empty());
  CHECK(has(second.body, "First page"));
  slugs.insert(slugs.end(), more.begin(), more.end());
  CHECK(std::set<std::string>(slugs.begin(), slugs.end()).size() == static_cast<std::size_t>(kSneakers));

  // The parent category lists its sub-categories and includes their products.
  auto clothing = shop.get("/c/clothing");
  REQUIRE(clothing.status == 200);
  CHECK(has(clothing.body, "<ul class=\"subcategories\">\n<li><a href=\"/c/shoes\">Shoes</a></li>"));
  CHECK(card_slugs(clothing.body).size() == 24);

  // The hostile product's card is escaped, and so are its attribute facet and a hostile filter value.
  auto accessories = shop.get("/c/accessories?attr.material=%3Cb%3Esteel%3C%2Fb%3E");
  REQUIRE(accessories.status == 200);
  check_no_raw_evil(accessories.body);
  CHECK(card_slugs(accessories.body) == std::vector<std::string>{"evil"});
  CHECK(has(accessories.body, "<span class=\"card-title\">&lt;script&gt;alert(1)&lt;/script&gt;</span>"));
  CHECK(has(accessories.body, "value=\"&lt;b&gt;steel&lt;/b&gt;\" checked"));
}

TEST_CASE("filters change the result set and paging keeps them", "[pages]") {
  Shop shop;
  // 20.00 EUR and up: sneakers 10..30.
  auto priced = shop.get("/c/shoes?min_price=20&max_price=&sort=price_asc");
  REQUIRE(priced.status == 200);
  auto slugs = card_slugs(priced.body);
  REQUIRE(slugs.size() == 21);
  CHECK(slugs.front() == "sneaker-10");
  CHECK(slugs.back() == "sneaker-30");
  CHECK(has(priced.body, "name=\"min_price\" value=\"20\""));
  CHECK(has(priced.body, "<option value=\"price_asc\" selected>"));

  // In stock: n % 3 != 0, 20 of 30 (one page).
  auto stocked = shop.get("/c/shoes?in_stock=1&sort=name");
  REQUIRE(stocked.status == 200);
  CHECK(has(stocked.body, "name=\"in_stock\" value=\"1\" checked"));
  const auto stocked_slugs = card_slugs(stocked.body);
  CHECK(stocked_slugs.size() == 20);
  CHECK(std::find(stocked_slugs.begin(), stocked_slugs.end(), "sneaker-3") == stocked_slugs.end());
  CHECK(next_link(stocked.body).empty());

  // Two values of one attribute match either; the next-page link keeps filters and sort.
  auto both = shop.get("/c/shoes?attr.colour=red&attr.colour=blue&sort=price_desc");
  REQUIRE(both.status == 200);
  auto both_slugs = card_slugs(both.body);
  CHECK(both_slugs.front() == "sneaker-30");
  const auto next = next_link(both.body);
  CHECK(has(next, "sort=price_desc"));
  CHECK(has(next, "attr.colour=red&attr.colour=blue"));
  const auto rest = card_slugs(shop.get(next).body);
  REQUIRE_FALSE(rest.empty());
  CHECK(rest.back() == "sneaker-1");
  both_slugs.insert(both_slugs.end(), rest.begin(), rest.end());
  CHECK(std::set<std::string>(both_slugs.begin(), both_slugs.end()).size() == static_cast<std::size_t>(kSneakers));

  // An attribute: the odd (red) sneakers, and the checkbox stays ticked.
  auto red = shop.get("/c/shoes?attr.colour=red");
  REQUIRE(red.status == 200);
  const auto red_slugs = card_slugs(red.body);
  CHECK(red_slugs.size() == 15);
  CHECK(std::find(red_slugs.begin(), red_slugs.end(), "sneaker-2") == red_slugs.end());
  CHECK(has(red.body, "name=\"attr.colour\" value=\"red\" checked"));
}

TEST_CASE("facet counts are shown beside the filters", "[pages][facets]") {
  Shop shop;
  auto res = shop.get("/c/shoes");
  REQUIRE(res.status == 200);
  CHECK(has(res.body, "30 products"));
  CHECK(has(res.body, "In stock only <span class=\"count\">(20)</span>"));
  CHECK(has(res.body, "value=\"blue\"> blue <span class=\"count\">(15)</span>"));
  CHECK(has(res.body, "value=\"red\"> red <span class=\"count\">(15)</span>"));
  CHECK(has(res.body, "placeholder=\"11.00\""));
  CHECK(has(res.body, "placeholder=\"40.00\""));
  // The parent category counts by sub-category.
  auto clothing = shop.get("/c/clothing");
  CHECK(has(clothing.body, "<a href=\"/c/shoes\">Shoes</a> <span class=\"count\">(30)</span>"));
}

TEST_CASE("search finds products and explains an empty or unusable search", "[pages]") {
  Shop shop;
  auto res = shop.get("/search?q=sneaker");
  REQUIRE(res.status == 200);
  CHECK(has(res.body, "<meta name=\"robots\" content=\"noindex\">"));
  CHECK(has(res.body, "Results for &ldquo;sneaker&rdquo;"));
  CHECK(card_slugs(res.body).size() == 24);
  CHECK(has(next_link(res.body), "q=sneaker"));
  CHECK(has(res.body, "<input type=\"hidden\" name=\"q\" value=\"sneaker\">"));

  auto evil = shop.get("/search?q=alert");
  REQUIRE(evil.status == 200);
  CHECK(card_slugs(evil.body) == std::vector<std::string>{"evil"});
  check_no_raw_evil(evil.body);
  CHECK(has(evil.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));

  auto hostile_query = shop.get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  CHECK(hostile_query.status == 200);
  check_no_raw_evil(hostile_query.body);

  auto empty = shop.get("/search?q=");
  CHECK(empty.status == 200);
  CHECK(has(empty.body, "Type a word to search the shop."));
  CHECK(card_slugs(empty.body).empty());

  auto punctuation = shop.get("/search?q=%21%21%21");
  CHECK(punctuation.status == 400);
  CHECK(punctuation.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(has(punctuation.body, "We cannot search for that"));
  CHECK(has(punctuation.body, "role=\"search\""));
}

TEST_CASE("an unknown product or category is a 404 page in the layout", "[pages]") {
  Shop shop;
  for (const char* target : {"/p/no-such-thing", "/c/no-such-category", "/p/draft-thing"}) {
    INFO(target);
    // Even for a client that prefers JSON: these are pages.
    auto res = shop.get(target, {{"Accept", "application/json"}});
    CHECK(res.status == 404);
    CHECK(res.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(has(res.body, "We could not find that page"));
    CHECK(has(res.body, "<a class=\"brand\" href=\"/\">Demo Shop</a>"));
    CHECK(has(res.body, "<meta name=\"robots\" content=\"noindex\">"));
  }
}

TEST_CASE("a bad parameter is a readable 400 page", "[pages]") {
  Shop shop;
  auto price = shop.get("/c/shoes?min_price=abc");
  CHECK(price.status == 400);
  CHECK(price.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(has(price.body, "<strong>min_price</strong>: &quot;abc&quot; is not a price; write it like 19.99"));
  CHECK(has(price.body, "<a class=\"brand\" href=\"/\">Demo Shop</a>"));

  auto cursor = shop.get("/c/shoes?cursor=tampered");
  CHECK(cursor.status == 400);
  CHECK(has(cursor.body, "<strong>cursor</strong>"));

  // A cursor from another listing does not fit this one.
  const auto next = next_link(shop.get("/c/shoes").body);
  REQUIRE_FALSE(next.empty());
  CHECK(shop.get(next + "&in_stock=1").status == 400);

  CHECK(shop.get("/c/shoes?sort=cheapest").status == 400);
  CHECK(shop.get("/c/shoes?in_stock=maybe").status == 400);
  auto hostile = shop.get("/c/shoes?sort=%3Cscript%3E");
  CHECK(hostile.status == 400);
  CHECK_FALSE(has(hostile.body, "<script>"));
  // Tracking parameters are not an error on a page.
  CHECK(shop.get("/c/shoes?utm_source=newsletter").status == 200);
  // A malformed escape or a repeated filter is a 400 page naming it; ticked boxes may repeat.
  auto escape = shop.get("/search?q=%zz");
  CHECK(escape.status == 400);
  CHECK(has(escape.body, "<strong>q</strong>: is not properly percent-encoded"));
  auto twice = shop.get("/c/shoes?sort=name&sort=newest");
  CHECK(twice.status == 400);
  CHECK(has(twice.body, "<strong>sort</strong>: given more than once"));
  CHECK(shop.get("/c/shoes?attr.colour=red&attr.colour=blue").status == 200);
}

TEST_CASE("robots.txt and sitemap.xml describe the shop", "[pages]") {
  Shop shop;
  auto robots = shop.get("/robots.txt");
  REQUIRE(robots.status == 200);
  CHECK(has(robots.body, "User-agent: *\n"));
  CHECK(has(robots.body, "Disallow: /search\n"));
  CHECK(has(robots.body, "Disallow: /api/\n"));
  CHECK(has(robots.body, "Sitemap: https://shop.example/sitemap.xml\n"));

  auto sitemap = shop.get("/sitemap.xml");
  REQUIRE(sitemap.status == 200);
  CHECK(sitemap.header("Content-Type") == "application/xml; charset=utf-8");
  CHECK(sitemap.body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
  CHECK(has(sitemap.body, "<loc>https://shop.example/</loc>"));
  CHECK(has(sitemap.body, "<loc>https://shop.example/c/shoes</loc>"));
  CHECK(has(sitemap.body, "<loc>https://shop.example/p/sneaker-1</loc>"));
  CHECK(has(sitemap.body, "<loc>https://shop.example/p/evil</loc>"));
  CHECK_FALSE(has(sitemap.body, "draft-thing"));
  // Home + 3 categories + 31 active products.
  CHECK(count(sitemap.body, "<url>") == 35);
}

TEST_CASE("pages carry an ETag and answer 304 to a matching If-None-Match", "[pages]") {
  Shop shop;
  for (const char* target : {"/", "/p/evil", "/c/shoes", "/sitemap.xml", "/robots.txt"}) {
    INFO(target);
    auto first = shop.get(target);
    REQUIRE(first.status == 200);
    const auto etag = first.header("ETag");
    REQUIRE(etag);
    auto again = shop.get(target, {{"If-None-Match", *etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
  }
  CHECK(shop.get("/p/evil").header("Cache-Control") == "no-cache");
}

TEST_CASE("a product page read before is answered from memory, variants included", "[pages]") {
  Shop shop;
  const auto first = shop.get("/p/evil");
  REQUIRE(first.status == 200);
  CHECK(shop.cache().peek_hits() == 0);
  const auto again = shop.get("/p/evil");
  CHECK(shop.cache().peek_hits() == 1);
  CHECK(again.body == first.body);
  CHECK(again.header("ETag") == first.header("ETag"));
  CHECK(again.header("Cache-Control") == "no-cache");
  CHECK(again.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(shop.get("/p/evil", {{"If-None-Match", *first.header("ETag")}}).status == 304);
  CHECK(shop.cache().peek_hits() == 2);

  // A variant is its own view: cached by the handler first, then answered from memory.
  const auto variant = "/p/evil?variant=" + std::to_string(shop.evil_variant(1));
  const auto large = shop.get(variant);
  REQUIRE(large.status == 200);
  CHECK(large.body != first.body);
  CHECK(shop.cache().peek_hits() == 2);
  CHECK(shop.get(variant).body == large.body);
  CHECK(shop.cache().peek_hits() == 3);

  // What is not a plain hit keeps its answer from the handler.
  CHECK(shop.get("/p/evil?variant=abc").status == 400);
  CHECK(shop.get("/p/evil?variant=999999").status == 404);
  CHECK(shop.get("/p/no-such-thing").status == 404);
  CHECK(shop.cache().peek_hits() == 3);
}
