// Query strings, form bodies, percent-encoding and URL checks for every front end, on Boost.URL,
// with one error behaviour: a malformed escape, or a name given twice that is not declared
// repeatable, is core::Error bad_request (400) naming the parameter (Error::bad_parameter).
// Boost.URL stays inside query.cpp; callers see std types only.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecom::http {

// The decoded parameters of a query string (without '?') or of an application/x-www-form-urlencoded
// body, in order. Both decode '+' as a space (an HTML form with method GET puts its fields in the
// query the same way). "a=1&&b" skips the empty pair; "b" without '=' has the value "".
class Params {
 public:
  // Names that may be given more than once (checkboxes, facet filters). An entry ending in '*' is
  // a prefix standing for every longer name: "attr.*" covers "attr.colour" but not "attr."; "*"
  // alone covers every name.
  using Names = std::initializer_list<std::string_view>;

  // Throws bad_parameter(name, ...) for a malformed percent escape ("%zz", "%4") in a name or a
  // value, and for a repeated name that repeatable does not list.
  [[nodiscard]] static Params parse(std::string_view encoded, Names repeatable = {});

  // The (first) value of name, or nullopt when absent.
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
  // The value of name, or "" when absent.
  [[nodiscard]] std::string value(std::string_view name) const;
  // Every value of name, in order.
  [[nodiscard]] std::vector<std::string> all(std::string_view name) const;
  [[nodiscard]] bool has(std::string_view name) const { return get(name).has_value(); }
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& items() const noexcept { return items_; }
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }

  // Throws bad_parameter(name, "unknown parameter") for the first name that allowed does not list
  // (entries ending in '*' as above): a typo ("limt") must not silently give the default answer.
  void allow_only(std::span<const std::string_view> allowed) const;

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// Percent-decoding (RFC 3986 escapes; '+' as a space when plus_as_space); nullopt on a malformed
// escape. Params::parse uses it for each name and value; the server for the request path.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space = false);

// Percent-encodes all but the RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~), as uppercase
// escapes: a query name or value, or one path segment.
[[nodiscard]] std::string encode_component(std::string_view text);
// "a=1&b=x%20y" from name/value pairs, in order: a query string for a link.
[[nodiscard]] std::string build_query(const std::vector<std::pair<std::string, std::string>>& params);

// True for http(s)://host[:port] with nothing after it (no path, not even "/", no query, fragment
// or user info): a base that canonical URLs are built on by appending a path.
[[nodiscard]] bool is_origin(std::string_view url);

}  // namespace ecom::http
