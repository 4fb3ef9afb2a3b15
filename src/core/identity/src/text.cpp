#include "text.hpp"

#include <ecom/platform/error.hpp>

#include <algorithm>

namespace ecom::identity::detail {

std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

std::string checked_text(std::string_view value, const std::string& field, std::size_t max_chars, bool required) {
  auto out = trimmed(value);
  if (required && out.empty()) {
    throw core::Error::invalid_field(field, "is required");
  }
  // UTF-8 characters: every byte but continuation bytes starts one.
  const auto chars =
      std::count_if(out.begin(), out.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; });
  if (static_cast<std::size_t>(chars) > max_chars) {
    throw core::Error::invalid_field(field, "at most " + std::to_string(max_chars) + " characters");
  }
  if (std::any_of(out.begin(), out.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
    throw core::Error::invalid_field(field, "must not contain control characters");
  }
  return out;
}

}  // namespace ecom::identity::detail
