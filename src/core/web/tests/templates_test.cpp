#include "temp_dir.hpp"

#include <ecom/web/templates.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using ecom::web::TemplateError;
using ecom::web::Templates;

TEST_CASE("double mustache escapes HTML and partials share the model", "[web]") {
  auto t = Templates::from_sources(
      {{"page", "{{> head}}<p>{{text}}</p>{{#items}}<i>{{.}}</i>{{/items}}"}, {"head", "<title>{{title}}</title>"}});
  boost::json::value model = {{"title", "A & B"}, {"text", "<script>alert('x')</script>\""}, {"items", {1, "two"}}};
  auto html = t->render("page", model);
  CHECK(html ==
        "<title>A &amp; B</title><p>&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;&quot;</p><i>1</i><i>two</i>");
}

TEST_CASE("false, null and empty lists switch sections off", "[web]") {
  auto t = Templates::from_sources({{"p", "{{#a}}A{{/a}}{{#b}}B{{/b}}{{#c}}C{{/c}}{{^c}}none{{/c}}{{#d}}D{{/d}}"}});
  boost::json::value model = {{"a", true}, {"b", false}, {"c", boost::json::array{}}, {"d", nullptr}};
  CHECK(t->render("p", model) == "Anone");
}

TEST_CASE("a model value is never taken for a partial", "[web]") {
  auto t = Templates::from_sources({{"p", "[{{> evil}}]"}});
  boost::json::value model = {{"evil", "{{secret}}"}, {"secret", "leak"}};
  CHECK(t->render("p", model) == "[]");
}

TEST_CASE("a broken template fails loading with its file name", "[web]") {
  CHECK_THROWS_WITH(Templates::from_sources({{"good", "{{x}}"}, {"broken", "{{#open}}never closed"}}),
                    Catch::Contains("broken.mustache"));
  ecom::test::TempDir scratch("ecom-web-templates");
  const auto dir = scratch / "templates";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "bad.mustache") << "{{/stray}}";
  CHECK_THROWS_WITH(Templates::load(dir), Catch::Contains("bad.mustache"));
  std::filesystem::remove_all(dir);
  CHECK_THROWS_AS(Templates::load(dir), TemplateError);
}

TEST_CASE("an unknown template name is an error", "[web]") {
  auto t = Templates::from_sources({{"p", "x"}});
  CHECK(t->contains("p"));
  CHECK_FALSE(t->contains("q"));
  CHECK_THROWS_AS(t->render("q", boost::json::object{}), TemplateError);
}

TEST_CASE("the storefront's templates all parse", "[web]") {
  auto t = Templates::load(ECOM_SOURCE_DIR "/web/storefront/templates");
  CHECK(t->contains("product"));
  CHECK(t->contains("layout_head"));
}
