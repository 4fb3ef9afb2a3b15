#include "pages/format.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <limits>

using namespace ecom::storefront::pages;
using ecom::catalog::Money;

TEST_CASE("money is formatted with integer arithmetic", "[pages]") {
  CHECK(decimal_amount(1999, 2) == "19.99");
  CHECK(decimal_amount(5, 2) == "0.05");
  CHECK(decimal_amount(0, 2) == "0.00");
  CHECK(decimal_amount(-5, 2) == "-0.05");
  CHECK(decimal_amount(1999, 0) == "1999");
  CHECK(decimal_amount(1234, 3) == "1.234");
  CHECK(decimal_amount(std::numeric_limits<std::int64_t>::min(), 2) == "-92233720368547758.08");
  CHECK(format_money(Money{1999, "EUR"}) == "\u20AC19.99");
  CHECK(format_money(Money{500, "USD"}) == "$5.00");
  CHECK(format_money(Money{150, "GBP"}) == "\u00A31.50");
  CHECK(format_money(Money{1999, "CHF"}) == "19.99 CHF");
  CHECK(format_money(Money{1999, "JPY"}) == "1999 JPY");
  CHECK(format_money(Money{-250, "EUR"}) == "-\u20AC2.50");
}

TEST_CASE("prices typed into the filter form become minor units", "[pages]") {
  CHECK(parse_major_amount("20", 2) == 2000);
  CHECK(parse_major_amount("19.99", 2) == 1999);
  CHECK(parse_major_amount("19,9", 2) == 1990);
  CHECK(parse_major_amount("0.5", 2) == 50);
  CHECK(parse_major_amount("1999", 0) == 1999);
  CHECK_FALSE(parse_major_amount("abc", 2));
  CHECK_FALSE(parse_major_amount("-1", 2));
  CHECK_FALSE(parse_major_amount("1.999", 2));
  CHECK_FALSE(parse_major_amount("1.", 2));
  CHECK_FALSE(parse_major_amount(".5", 2));
  CHECK_FALSE(parse_major_amount("1e3", 2));
  CHECK_FALSE(parse_major_amount("1234567890123456", 2));
  CHECK(parse_major_amount("123456789012345", 2) == 12345678901234500);
}

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
