// Money for every module (catalog, carts, orders, payments): an integer amount of minor units with
// an ISO 4217 code, never floating point. Holds the one ISO 4217 minor-unit table, the one parser
// for amounts people type ("19.99" -> 1999) and the one formatter for pages (1999 EUR -> "19.99",
// "€19.99"). Depends only on the platform (for core::Error).
#pragma once

#include <ecom/platform/error.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ecom::money {

struct Money {
  std::int64_t amount = 0;  // minor units: 1999 is 19.99 EUR
  std::string currency;     // ISO 4217, e.g. "EUR"

  friend bool operator==(const Money&, const Money&) = default;
};

// One row of ISO 4217 List One: an active code and its minor units (0, 2 or 3).
struct Currency {
  std::string_view code;
  int minor_units = 2;
};

// Every active ISO 4217 code with minor units of 0, 2 or 3, sorted by code. Left out: codes whose
// minor units are "N.A." (precious metals XAU, XAG, XPD, XPT; bond units XBA..XBD; XDR, XSU, XUA,
// XTS, XXX) and the four-decimal units of account CLF and UYW: nothing in a shop is priced in them.
[[nodiscard]] std::span<const Currency> currencies() noexcept;

// The code's minor units (JPY 0, EUR 2, BHD 3), or nullopt for a code not in the table.
[[nodiscard]] std::optional<int> minor_units(std::string_view currency) noexcept;
[[nodiscard]] bool is_currency(std::string_view currency) noexcept;

// The amount as a plain decimal number with the currency's minor units: 1999 EUR -> "19.99",
// -5 EUR -> "-0.05", 500 JPY -> "500", 1250 KWD -> "1.250". The schema.org price format and what a
// form field shows. Every int64 has one, INT64_MIN included. A code not in the table (data written
// before codes were checked) is shown with 2 decimals rather than failing a page.
[[nodiscard]] std::string format_decimal(std::int64_t amount, std::string_view currency);
// For people, as the storefront shows prices: "€19.99", "$5.00", "£1.50", "-€2.50"; every other
// currency as "19.99 CHF", "1999 JPY".
[[nodiscard]] std::string format(const Money& money);

struct ParseOptions {
  // A leading '-' (refunds, adjustments); prices typed by staff or shoppers have none.
  bool allow_negative = false;
  // ',' as the decimal point too ("19,9"), for shoppers typing a filter; staff forms refuse it
  // since "1,000" could mean a thousand.
  bool decimal_comma = false;
  // unprocessable (422) for a form field; bad_request (400) for a query parameter.
  core::ErrorCode error = core::ErrorCode::unprocessable;
};

// An amount typed in major units ("20", "19.9", "19.99", " 19.99 ") -> minor units of currency, by
// integer arithmetic only. Throws core::Error with options.error and one
// FieldError naming field when the text is empty, is not digits with at most one decimal point
// (signs, letters, exponents, thousands separators), has more decimals than the currency, does
// not fit in int64, or when currency is not in the table.
[[nodiscard]] std::int64_t parse_amount(std::string_view text, std::string_view currency, const std::string& field,
                                        ParseOptions options = {});

}  // namespace ecom::money
