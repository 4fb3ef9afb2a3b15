// Text helpers of the storefront pages: meta descriptions, and JSON that is safe inside an HTML
// <script> block. Money is ecom::money; URLs and query strings are ecom/platform/http/query.hpp.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecom::storefront::pages {

// Whitespace collapsed and cut at a word boundary to at most max_bytes (UTF-8 safe), with "…"
// when cut: a meta description.
[[nodiscard]] std::string summarize(std::string_view text, std::size_t max_bytes = 160);

// Serialized JSON with <, > and & written as \u003c, \u003e, \u0026: a value (even one holding
// "</script>") can never end the <script type="application/ld+json"> block it is placed in.
[[nodiscard]] std::string json_for_script(const boost::json::value& value);

}  // namespace ecom::storefront::pages
