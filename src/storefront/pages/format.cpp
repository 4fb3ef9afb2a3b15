#include "pages/format.hpp"

#include <boost/json.hpp>

#include <array>
#include <limits>

namespace ecom::storefront::pages {
namespace {

constexpr std::array<std::string_view, 17> kZeroDecimal = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY",
                                                           "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
                                                           "VND", "VUV", "XAF", "XOF", "XPF"};
constexpr std::array<std::string_view, 7> kThreeDecimal = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
// Fifteen digits keep any amount far inside int64 after scaling by up to 10^3.
constexpr std::size_t kMaxAmountDigits = 15;

bool contains(auto list, std::string_view code) {
  for (auto item : list) {
    if (item == code) {
      return true;
    }
  }
  return false;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

int currency_exponent(std::string_view currency) noexcept {
  if (contains(kZeroDecimal, currency)) {
    return 0;
  }
  if (contains(kThreeDecimal, currency)) {
    return 3;
  }
  return 2;
}

std::string decimal_amount(std::int64_t amount, int exponent) {
  // The magnitude as unsigned so that even INT64_MIN has one.
  const std::uint64_t magnitude =
      amount < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(amount) : static_cast<std::uint64_t>(amount);
  std::string digits = std::to_string(magnitude);
  const auto places = static_cast<std::size_t>(exponent);
  if (places > 0) {
    if (digits.size() <= places) {
      digits.insert(0, places + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - places, 1, '.');
  }
  return amount < 0 ? "-" + digits : digits;
}

std::string format_money(const ecom::catalog::Money& money) {
  const auto number = decimal_amount(money.amount, currency_exponent(money.currency));
  const bool negative = number.starts_with('-');
  const std::string_view unsigned_number = std::string_view(number).substr(negative ? 1 : 0);
  const char* symbol = nullptr;
  if (money.currency == "EUR") {
    symbol = "\u20AC";
  } else if (money.currency == "USD") {
    symbol = "$";
  } else if (money.currency == "GBP") {
    symbol = "\u00A3";
  }
  if (symbol == nullptr) {
    return number + " " + money.currency;
  }
  return std::string(negative ? "-" : "") + symbol + std::string(unsigned_number);
}

std::optional<std::int64_t> parse_major_amount(std::string_view text, int exponent) {
  const auto sep = text.find_first_of(".,");
  const auto whole = text.substr(0, sep);
  const auto fraction = sep == std::string_view::npos ? std::string_view() : text.substr(sep + 1);
  const auto places = static_cast<std::size_t>(exponent);
  if (whole.empty() || whole.size() > kMaxAmountDigits || fraction.size() > places ||
      (sep != std::string_view::npos && fraction.empty())) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  for (std::size_t i = 0; i < places; ++i) {
    const char c = i < fraction.size() ? fraction[i] : '0';
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

std::string url_encode(std::string_view text) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4U]);
      out.push_back(kHex[byte & 0x0FU]);
    }
  }
  return out;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) {
      out.push_back('&');
    }
    out += url_encode(name);
    out.push_back('=');
    out += url_encode(value);
  }
  return out;
}

std::string summarize(std::string_view text, std::size_t max_bytes) {
  std::string collapsed;
  collapsed.reserve(text.size());
  for (char c : text) {
    if (is_space(c)) {
      if (!collapsed.empty() && collapsed.back() != ' ') {
        collapsed.push_back(' ');
      }
    } else {
      collapsed.push_back(c);
    }
  }
  while (!collapsed.empty() && collapsed.back() == ' ') {
    collapsed.pop_back();
  }
  if (collapsed.size() <= max_bytes) {
    return collapsed;
  }
  static constexpr std::string_view kEllipsis = "\u2026";
  std::size_t cut = max_bytes > kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  // Never split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(collapsed[cut]) & 0xC0U) == 0x80U) {
    --cut;
  }
  const auto space = collapsed.rfind(' ', cut);
  if (space != std::string::npos && space > cut / 2) {
    cut = space;
  }
  collapsed.resize(cut);
  return collapsed + std::string(kEllipsis);
}

std::string json_for_script(const boost::json::value& value) {
  const auto json = boost::json::serialize(value);
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    // Outside strings JSON has none of these characters, so the replacement keeps it valid.
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace ecom::storefront::pages
