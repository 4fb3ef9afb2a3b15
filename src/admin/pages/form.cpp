#include "pages/form.hpp"

#include <ecom/platform/error.hpp>
#include <ecom/platform/http/message.hpp>

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

Form Form::parse(std::string_view body) {
  Form form;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    const auto eq = pair.find('=');
    auto name = http::percent_decode(pair.substr(0, eq), true);
    auto value = http::percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!name || !value) {
      throw core::Error(core::ErrorCode::bad_request, "the form data is malformed (a bad percent escape)");
    }
    form.fields_.emplace_back(std::move(*name), std::move(*value));
  }
  return form;
}

std::optional<std::string> Form::get(std::string_view name) const {
  const auto it = std::find_if(fields_.begin(), fields_.end(), [&](const auto& f) { return f.first == name; });
  if (it == fields_.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::string Form::value(std::string_view name) const {
  return get(name).value_or("");
}

std::vector<std::string> Form::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : fields_) {
    if (key == name) {
      out.push_back(value);
    }
  }
  return out;
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

std::string url_encode(std::string_view text) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4U]);
      out.push_back(kHex[byte & 0x0FU]);
    }
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
