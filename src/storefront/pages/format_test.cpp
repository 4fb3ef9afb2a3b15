#include "pages/format.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace ecom::storefront::pages;

TEST_CASE("query strings and path segments are percent-encoded", "[pages]") {
  CHECK(url_encode("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9");
  CHECK(query_string({{"q", "red shoe"}, {"attr.colour", "<b>"}}) == "q=red%20shoe&attr.colour=%3Cb%3E");
}

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
