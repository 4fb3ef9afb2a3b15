// Reading what the admin's HTML forms send: application/x-www-form-urlencoded bodies, counts and
// ids (prices typed by staff are ecom::money::parse_amount). Everything here is pure (no I/O) so
// it is unit tested on its own; a malformed value throws core::Error naming the field, which the
// pages show in place.
#pragma once

#include <ecom/platform/http/query.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecom::admin::pages {

// The fields of an application/x-www-form-urlencoded body, in order.
using Form = http::Params;
// The one form parser (http::Params) with the admin's one repeatable field: a product's category
// checkboxes ("category"). A malformed escape or any other repeated field is a 400 naming it.
[[nodiscard]] Form parse_form(std::string_view body);

// A whole number 0..10^15 (stock, weight, position), unprocessable naming field otherwise.
[[nodiscard]] std::int64_t parse_count(std::string_view text, const std::string& field);
// An id in a path or a hidden field: a positive integer, or nullopt.
[[nodiscard]] std::optional<std::int64_t> parse_id(std::string_view text) noexcept;

// "name=value" lines (attributes, variant options): blank lines are skipped, each other line needs
// a non-empty name before its first "="; unprocessable naming field and the line otherwise.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> parse_pairs(std::string_view text,
                                                                           const std::string& field);
// The inverse: one "name=value\n" line per pair.
[[nodiscard]] std::string format_pairs(const std::vector<std::pair<std::string, std::string>>& pairs);
// Leading and trailing spaces, tabs, CR and LF removed.
[[nodiscard]] std::string trim(std::string_view text);

}  // namespace ecom::admin::pages
