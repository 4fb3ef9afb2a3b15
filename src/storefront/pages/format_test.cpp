#include "pages/format.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace ecom::storefront::pages;

TEST_CASE("meta descriptions are collapsed and cut at a word", "[pages]") {
  CHECK(summarize("  one\n\ttwo  three ") == "one two three");
  const auto cut = summarize("alpha beta gamma delta", 15);
  CHECK(cut == "alpha beta\u2026");
  CHECK(cut.size() <= 15);
  // A multi-byte character is never split.
  const auto accents = summarize("\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9\u00E9", 8);
  CHECK(accents == "\u00E9\u00E9\u2026");
}

TEST_CASE("JSON for a script block cannot close it", "[pages]") {
  const auto out = json_for_script(boost::json::object{{"name", "</script><b>&"}});
  CHECK(out.find('<') == std::string::npos);
  CHECK(out.find('>') == std::string::npos);
  CHECK(out.find('&') == std::string::npos);
  CHECK(boost::json::parse(out).at("name").as_string() == "</script><b>&");
}
