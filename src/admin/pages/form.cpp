#include "pages/form.hpp"

#include <ecom/platform/error.hpp>

#include <algorithm>
#include <array>
#include <charconv>

namespace ecom::admin::pages {
namespace {

// Large enough for any real price or stock, small enough that digit-by-digit parsing never
// overflows std::int64_t.
constexpr std::int64_t kMaxAmount = 1'000'000'000'000'000;

core::Error unprocessable(const std::string& field, std::string reason) {
  auto message = field + ": " + reason;
  return core::Error(core::ErrorCode::unprocessable, std::move(message), {core::FieldError{field, std::move(reason)}});
}

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

}  // namespace

Form parse_form(std::string_view body) {
  return http::Params::parse(body, {"category"});
}

std::int64_t parse_count(std::string_view input, const std::string& field) {
  const auto text = trim(input);
  if (text.empty() || text.size() > 16 || !std::all_of(text.begin(), text.end(), is_digit)) {
    throw unprocessable(field, "\"" + text + "\" is not a whole number of 0 or more");
  }
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value > kMaxAmount) {
    throw unprocessable(field, "\"" + text + "\" is too large");
  }
  return value;
}

std::optional<std::int64_t> parse_id(std::string_view text) noexcept {
  if (text.empty() || text.size() > 18 || !std::all_of(text.begin(), text.end(), is_digit)) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value <= 0) {
    return std::nullopt;
  }
  return value;
}

std::vector<std::pair<std::string, std::string>> parse_pairs(std::string_view text, const std::string& field) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const auto line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++number;
    if (line.empty()) {
      continue;
    }
    const auto eq = line.find('=');
    auto name = trim(std::string_view(line).substr(0, eq == std::string::npos ? line.size() : eq));
    if (eq == std::string::npos || name.empty()) {
      throw unprocessable(field, "line " + std::to_string(number) + " (\"" + line + "\") is not name=value");
    }
    out.emplace_back(std::move(name), trim(std::string_view(line).substr(eq + 1)));
  }
  return out;
}

std::string format_pairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    out.append(name).append("=").append(value).append("\n");
  }
  return out;
}

std::string trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(kSpace);
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace ecom::admin::pages
