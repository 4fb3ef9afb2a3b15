// The admin's form reading without a server: url-encoded bodies, counts, ids and name=value lines
// (prices: src/core/money/tests).
#include "pages/form.hpp"

#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>

using ecom::admin::pages::Form;
using ecom::admin::pages::parse_count;
using ecom::admin::pages::parse_id;
using ecom::admin::pages::parse_pairs;
using ecom::admin::pages::url_encode;

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

TEST_CASE("url-encoded forms decode names, values, '+' and repeats", "[admin][pages][form]") {
  const auto form = Form::parse("title=Red+%3Cb%3Eshoe%3C%2Fb%3E&category=shoes&&category=sale&empty=&flag");
  CHECK(form.value("title") == "Red <b>shoe</b>");
  CHECK(form.all("category") == std::vector<std::string>{"shoes", "sale"});
  CHECK(form.get("empty") == std::optional<std::string>(""));
  CHECK(form.get("flag") == std::optional<std::string>(""));
  CHECK_FALSE(form.get("missing").has_value());
  CHECK(form.value("missing").empty());
  CHECK(Form::parse("").all("x").empty());
  CHECK(Form::parse("a=%E2%82%AC").value("a") == "\xE2\x82\xAC");
  try {
    (void)Form::parse("a=%zz");
    FAIL("a bad escape was accepted");
  } catch (const ecom::core::Error& e) {
    CHECK(e.code() == ecom::core::ErrorCode::bad_request);
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

  CHECK(url_encode("red shoe&<x>/é") == "red%20shoe%26%3Cx%3E%2F%C3%A9");
}
