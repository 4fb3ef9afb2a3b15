// Reading what the admin's HTML forms send: application/x-www-form-urlencoded bodies, counts and
// ids (prices typed by staff are parsed by ecom::money::parse_amount). Everything here is pure (no I/O) so it is unit
// tested on its own; a malformed value throws core::Error naming the field, which the pages show in place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecom::admin::pages {

// The fields of an application/x-www-form-urlencoded body, in order (checkboxes repeat a name).
class Form {
 public:
  // bad_request for a malformed percent escape; empty pairs ("a=1&&b=2") are skipped.
  [[nodiscard]] static Form parse(std::string_view body);

  // The first value of name, or nullopt.
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
  // The first value of name, or "" when absent.
  [[nodiscard]] std::string value(std::string_view name) const;
  // Every value of name, in order.
  [[nodiscard]] std::vector<std::string> all(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

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
// Percent-encodes everything but unreserved characters, for query strings built by the pages.
[[nodiscard]] std::string url_encode(std::string_view text);
// Leading and trailing spaces, tabs, CR and LF removed.
[[nodiscard]] std::string trim(std::string_view text);

}  // namespace ecom::admin::pages
