// Text helpers of the storefront pages: money for people and for search engines (integer
// arithmetic only), prices typed into a filter form, URL query strings, meta descriptions, and
// JSON that is safe inside an HTML <script> block.
#pragma once

#include <ecom/catalog/types.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecom::storefront::pages {

// Digits after the decimal point of an ISO 4217 currency: 0 for JPY, KRW and the like, 3 for
// BHD, KWD and the like, 2 otherwise.
[[nodiscard]] int currency_exponent(std::string_view currency) noexcept;
// 1999, 2 -> "19.99"; -5, 2 -> "-0.05"; 1999, 0 -> "1999". The schema.org price format.
[[nodiscard]] std::string decimal_amount(std::int64_t amount, int exponent);
// For people: "€19.99", "$5.00", "£1.50", otherwise "19.99 CHF".
[[nodiscard]] std::string format_money(const ecom::catalog::Money& money);
// A price as typed into a form, in major units ("20", "19.99", "19,9") -> minor units. nullopt
// for anything else (signs, letters, more decimals than the currency has, over 15 digits).
[[nodiscard]] std::optional<std::int64_t> parse_major_amount(std::string_view text, int exponent);

// Percent-encodes all but RFC 3986 unreserved characters, for a query value or a path segment.
[[nodiscard]] std::string url_encode(std::string_view text);
// "a=1&b=x%20y" from name/value pairs, in order.
[[nodiscard]] std::string query_string(const std::vector<std::pair<std::string, std::string>>& params);

// Whitespace collapsed and cut at a word boundary to at most max_bytes (UTF-8 safe), with "…"
// when cut: a meta description.
[[nodiscard]] std::string summarize(std::string_view text, std::size_t max_bytes = 160);

// Serialized JSON with <, > and & written as \u003c, \u003e, \u0026: a value (even one holding
// "</script>") can never end the <script type="application/ld+json"> block it is placed in.
[[nodiscard]] std::string json_for_script(const boost::json::value& value);

}  // namespace ecom::storefront::pages
