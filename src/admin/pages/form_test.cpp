// The admin's form reading without a server: url-encoded bodies, counts, ids and name=value lines
// (prices: src/core/money/tests).
#include "pages/form.hpp"

#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>

using ecom::admin::pages::parse_count;
using ecom::admin::pages::parse_form;
using ecom::admin::pages::parse_id;
using ecom::admin::pages::parse_pairs;

namespace {

// The field and reason of the unprocessable error f throws.
template <typename F>
std::string refusal_of(F f) {
  try {
    f();
  } catch (const ecom::core::Error& e) {
    CHECK(e.code() == ecom::core::ErrorCode::unprocessable);
    REQUIRE(e.details().size() == 1);
    return e.details().front().name + ": " + e.details().front().reason;
  }
  FAIL("no error thrown");
  return "";
}

}  // namespace

TEST_CASE("forms let only the category checkboxes repeat", "[admin][pages][form]") {
  const auto form = parse_form("title=Red+%3Cb%3Eshoe%3C%2Fb%3E&category=shoes&&category=sale&empty=&flag");
  CHECK(form.value("title") == "Red <b>shoe</b>");
  CHECK(form.all("category") == std::vector<std::string>{"shoes", "sale"});
  CHECK(form.get("empty") == std::optional<std::string>(""));
  CHECK(form.get("flag") == std::optional<std::string>(""));
  CHECK(parse_form("").all("x").empty());
  for (const auto* bad : {"a=%zz", "title=a&title=b"}) {
    INFO(bad);
    try {
      (void)parse_form(bad);
      FAIL("accepted");
    } catch (const ecom::core::Error& e) {
      CHECK(e.code() == ecom::core::ErrorCode::bad_request);
      REQUIRE(e.details().size() == 1);
      CHECK(e.details().front().name == (bad[0] == 'a' ? "a" : "title"));
    }
  }
}

TEST_CASE("counts, ids and name=value lines", "[admin][pages][form]") {
  CHECK(parse_count("12", "on_hand") == 12);
  CHECK(parse_count(" 0 ", "on_hand") == 0);
  CHECK_THAT(refusal_of([] { (void)parse_count("-3", "on_hand"); }), Catch::StartsWith("on_hand"));
  CHECK_THROWS_AS(parse_count("1.5", "on_hand"), ecom::core::Error);
  CHECK_THROWS_AS(parse_count("", "on_hand"), ecom::core::Error);
  CHECK_THROWS_AS(parse_count("99999999999999999", "on_hand"), ecom::core::Error);

  CHECK(parse_id("42") == std::optional<std::int64_t>(42));
  CHECK_FALSE(parse_id("0"));
  CHECK_FALSE(parse_id("-1"));
  CHECK_FALSE(parse_id("abc"));
  CHECK_FALSE(parse_id("12x"));
  CHECK_FALSE(parse_id("99999999999999999999"));

  const auto pairs = parse_pairs("colour = red\r\n\n material=steel=hard \n", "attributes");
  REQUIRE(pairs.size() == 2);
  CHECK(pairs[0] == std::pair<std::string, std::string>{"colour", "red"});
  CHECK(pairs[1] == std::pair<std::string, std::string>{"material", "steel=hard"});
  CHECK_THAT(refusal_of([] { (void)parse_pairs("colour=red\njust text", "attributes"); }),
             Catch::StartsWith("attributes") && Catch::Contains("line 2"));
  CHECK_THROWS_AS(parse_pairs("=red", "attributes"), ecom::core::Error);
}
