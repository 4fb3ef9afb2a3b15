// The money module without a server: the ISO 4217 table, typed amounts to minor units by integer
// arithmetic (JPY, EUR, BHD, signs, the int64 limits, unknown codes) and formatting for pages.
#include <ecom/money/money.hpp>
#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

using ecom::core::ErrorCode;
using ecom::money::format;
using ecom::money::format_decimal;
using ecom::money::minor_units;
using ecom::money::Money;
using ecom::money::parse_amount;
using ecom::money::ParseOptions;

namespace {

constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
constexpr auto kMax = std::numeric_limits<std::int64_t>::max();

// "field: reason" of the refusal f throws; checks it has the expected code and one detail.
template <typename F>
std::string refusal_of(F f, ErrorCode code = ErrorCode::unprocessable) {
  try {
    f();
  } catch (const ecom::core::Error& e) {
    CHECK(e.code() == code);
    REQUIRE(e.details().size() == 1);
    return e.details().front().name + ": " + e.details().front().reason;
  }
  FAIL("no error thrown");
  return "";
}

}  // namespace

TEST_CASE("the ISO 4217 table has each active code once, sorted, with 0, 2 or 3 decimals", "[money]") {
  std::set<std::string> seen;
  std::string previous;
  for (const auto& c : ecom::money::currencies()) {
    INFO(c.code);
    CHECK(c.code.size() == 3);
    CHECK((c.minor_units == 0 || c.minor_units == 2 || c.minor_units == 3));
    CHECK(std::string(c.code) > previous);
    CHECK(seen.insert(std::string(c.code)).second);
    CHECK(minor_units(c.code) == c.minor_units);
    previous = std::string(c.code);
  }
  CHECK(seen.size() > 150);
  for (const auto* code : {"JPY", "KRW", "CLP", "ISK", "VND", "XAF", "XOF", "XPF", "UGX", "PYG"}) {
    INFO(code);
    CHECK(minor_units(code) == 0);
  }
  for (const auto* code : {"BHD", "KWD", "JOD", "OMR", "TND", "IQD", "LYD"}) {
    INFO(code);
    CHECK(minor_units(code) == 3);
  }
  for (const auto* code : {"EUR", "USD", "GBP", "CHF", "XCG", "ZWG", "SLE"}) {
    INFO(code);
    CHECK(minor_units(code) == 2);
  }
  // Unknown, withdrawn, no minor units (N.A.), four decimals, wrong case or length.
  for (const auto* code : {"ABC", "HRK", "XAU", "XXX", "CLF", "UYW", "eur", "EU", "EURO", ""}) {
    INFO(code);
    CHECK_FALSE(minor_units(code).has_value());
    CHECK_FALSE(ecom::money::is_currency(code));
  }
}

TEST_CASE("amounts are formatted with the currency's decimals", "[money]") {
  CHECK(format_decimal(1999, "EUR") == "19.99");
  CHECK(format_decimal(5, "EUR") == "0.05");
  CHECK(format_decimal(0, "EUR") == "0.00");
  CHECK(format_decimal(-5, "EUR") == "-0.05");
  CHECK(format_decimal(-150, "EUR") == "-1.50");
  CHECK(format_decimal(500, "JPY") == "500");
  CHECK(format_decimal(-500, "JPY") == "-500");
  CHECK(format_decimal(1250, "BHD") == "1.250");
  CHECK(format_decimal(5, "KWD") == "0.005");
  CHECK(format_decimal(kMax, "EUR") == "92233720368547758.07");
  CHECK(format_decimal(kMin, "EUR") == "-92233720368547758.08");
  CHECK(format_decimal(kMin, "JPY") == "-9223372036854775808");
  CHECK(format_decimal(kMax, "BHD") == "9223372036854775.807");
  // A code outside the table still renders, with two decimals.
  CHECK(format_decimal(1999, "ABC") == "19.99");
}

TEST_CASE("amounts for people carry the storefront's symbol or the code", "[money]") {
  CHECK(format(Money{1999, "EUR"}) == "\u20AC19.99");
  CHECK(format(Money{500, "USD"}) == "$5.00");
  CHECK(format(Money{150, "GBP"}) == "\u00A31.50");
  CHECK(format(Money{-250, "EUR"}) == "-\u20AC2.50");
  CHECK(format(Money{1999, "CHF"}) == "19.99 CHF");
  CHECK(format(Money{1999, "JPY"}) == "1999 JPY");
  CHECK(format(Money{1250, "BHD"}) == "1.250 BHD");
  CHECK(format(Money{kMin, "EUR"}) == "-\u20AC92233720368547758.08");
}

TEST_CASE("typed amounts become minor units by integer arithmetic", "[money]") {
  CHECK(parse_amount("19.99", "EUR", "price") == 1999);
  CHECK(parse_amount(" 19.9 ", "EUR", "price") == 1990);
  CHECK(parse_amount("19", "EUR", "price") == 1900);
  CHECK(parse_amount("0.05", "EUR", "price") == 5);
  CHECK(parse_amount("0.29", "USD", "price") == 29);  // 0.29 * 100 is 28.999... in binary floating point
  CHECK(parse_amount("1.15", "USD", "price") == 115);
  CHECK(parse_amount("500", "JPY", "price") == 500);
  CHECK(parse_amount("1.250", "BHD", "price") == 1250);
  CHECK(parse_amount("1.25", "BHD", "price") == 1250);
  CHECK(parse_amount("007.5", "EUR", "price") == 750);
  CHECK(parse_amount(format_decimal(123456, "EUR"), "EUR", "price") == 123456);
  CHECK(parse_amount("19,9", "EUR", "min_price", ParseOptions{.decimal_comma = true}) == 1990);
}

TEST_CASE("typed amounts are refused naming the field", "[money]") {
  CHECK_THAT(refusal_of([] { (void)parse_amount("19.999", "EUR", "price"); }),
             Catch::StartsWith("price: ") && Catch::Contains("EUR has 2 decimal places"));
  CHECK_THAT(refusal_of([] { (void)parse_amount("5.5", "JPY", "price"); }), Catch::Contains("JPY has 0 decimal"));
  CHECK_THAT(refusal_of([] { (void)parse_amount("1.2345", "BHD", "price"); }), Catch::Contains("BHD has 3 decimal"));
  CHECK_THAT(refusal_of([] { (void)parse_amount("abc", "EUR", "price"); }), Catch::Contains("not a price"));
  CHECK_THAT(refusal_of([] { (void)parse_amount("-1", "EUR", "compare_at"); }),
             Catch::StartsWith("compare_at: ") && Catch::Contains("not a price"));
  CHECK_THAT(refusal_of([] { (void)parse_amount("  ", "EUR", "price"); }), Catch::Contains("enter a price"));
  // Separators: a comma is a thousands separator unless the form asks for a decimal comma.
  for (const auto* bad :
       {"1,99", "1 000", "1.000,00", "1'000", "1.", ".5", "1.2.3", "+1", "--1", "1e3", "0x10", "19.99 EUR",
        "\xE2\x82\xAC"
        "5",
        "\xD9\xA1"}) {
    INFO(bad);
    CHECK_THAT(refusal_of([&] { (void)parse_amount(bad, "EUR", "price"); }), Catch::StartsWith("price: "));
  }
  CHECK_THAT(refusal_of([] { (void)parse_amount("1,999", "EUR", "p", ParseOptions{.decimal_comma = true}); }),
             Catch::Contains("2 decimal places"));
  // The error code a query parameter wants.
  CHECK_THAT(
      refusal_of([] { (void)parse_amount("x", "EUR", "min_price", ParseOptions{.error = ErrorCode::bad_request}); },
                 ErrorCode::bad_request),
      Catch::StartsWith("min_price: "));
}

TEST_CASE("unknown currency codes are refused when parsing", "[money]") {
  CHECK_THAT(refusal_of([] { (void)parse_amount("1", "ABC", "price"); }),
             Catch::StartsWith("price: ") && Catch::Contains("\"ABC\" is not an ISO 4217 currency code"));
  CHECK_THAT(refusal_of([] { (void)parse_amount("1", "eur", "price"); }), Catch::Contains("not an ISO 4217"));
  CHECK_THAT(refusal_of([] { (void)parse_amount("1", "", "price"); }), Catch::Contains("not an ISO 4217"));
}

TEST_CASE("negative amounts and the int64 limits", "[money]") {
  const ParseOptions signed_amounts{.allow_negative = true};
  CHECK(parse_amount("-19.99", "EUR", "adjustment", signed_amounts) == -1999);
  CHECK(parse_amount("-0.05", "EUR", "adjustment", signed_amounts) == -5);
  CHECK(parse_amount("-500", "JPY", "adjustment", signed_amounts) == -500);
  CHECK(parse_amount("-0.001", "BHD", "adjustment", signed_amounts) == -1);
  CHECK(parse_amount("-0", "EUR", "adjustment", signed_amounts) == 0);
  CHECK_THAT(refusal_of([&] { (void)parse_amount("-", "EUR", "adjustment", signed_amounts); }),
             Catch::Contains("not a price"));
  CHECK_THAT(refusal_of([&] { (void)parse_amount("--1", "EUR", "adjustment", signed_amounts); }),
             Catch::Contains("not a price"));

  // The largest and smallest amounts round-trip; one minor unit past either is too large.
  CHECK(parse_amount("92233720368547758.07", "EUR", "price") == kMax);
  CHECK(parse_amount("9223372036854775807", "JPY", "price") == kMax);
  CHECK(parse_amount("9223372036854775.807", "BHD", "price") == kMax);
  CHECK(parse_amount("-92233720368547758.08", "EUR", "adjustment", signed_amounts) == kMin);
  CHECK(parse_amount("-9223372036854775808", "JPY", "adjustment", signed_amounts) == kMin);
  CHECK(parse_amount(format_decimal(kMin, "KWD"), "KWD", "adjustment", signed_amounts) == kMin);
  CHECK(parse_amount(format_decimal(kMax, "KWD"), "KWD", "price") == kMax);
  const std::vector<std::pair<const char*, const char*>> too_large = {
      {"92233720368547758.08", "EUR"}, {"92233720368547759", "EUR"},    {"9223372036854775808", "JPY"},
      {"9223372036854775.808", "BHD"}, {"99999999999999999999", "EUR"}, {"100000000000000000000000000000", "JPY"}};
  for (const auto& [big, currency] : too_large) {
    INFO(big);
    CHECK_THAT(refusal_of([&] { (void)parse_amount(big, currency, "price"); }), Catch::Contains("too large"));
  }
  CHECK_THAT(refusal_of([&] { (void)parse_amount("-92233720368547758.09", "EUR", "adjustment", signed_amounts); }),
             Catch::Contains("too large"));
  CHECK_THAT(refusal_of([&] { (void)parse_amount("-9223372036854775809", "JPY", "adjustment", signed_amounts); }),
             Catch::Contains("too large"));
}
