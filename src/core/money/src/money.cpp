#include <ecom/money/money.hpp>

#include <algorithm>
#include <array>
#include <limits>

namespace ecom::money {
namespace {

// ISO 4217 List One (SIX Group, the maintenance agency), active codes as of 2026, sorted for binary
// search. Withdrawn recently and so absent: HRK (2023, now EUR), SLL (now SLE), ZWL (now ZWG),
// ANG (2025, now XCG), BGN (2026, now EUR). currencies_test.cpp checks order and uniqueness.
constexpr std::array<Currency, 163> kCurrencies = {{
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2}, {"AWG", 2}, {"AZN", 2},
    {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BOV", 2},
    {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHE", 2},
    {"CHF", 2}, {"CHW", 2}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"COU", 2}, {"CRC", 2}, {"CUC", 2}, {"CUP", 2},
    {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2},
    {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2}, {"GNF", 0},
    {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2},
    {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2},
    {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2},
    {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2},
    {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MXV", 2}, {"MYR", 2}, {"MZN", 2},
    {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2},
    {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2},
    {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2}, {"SHP", 2}, {"SLE", 2},
    {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2},
    {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0},
    {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UZS", 2}, {"VED", 2}, {"VES", 2}, {"VND", 0}, {"VUV", 0},
    {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XCG", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2},
    {"ZWG", 2},
}};

// Shown for a code outside the table: the most common exponent, so an old row still renders.
constexpr int kFallbackMinorUnits = 2;

std::uint64_t magnitude(std::int64_t amount) noexcept {
  // Unsigned negation so that INT64_MIN has a magnitude too.
  return amount < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(amount) : static_cast<std::uint64_t>(amount);
}

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

std::string_view trimmed(std::string_view text) noexcept {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

core::Error refusal(const ParseOptions& options, const std::string& field, std::string reason) {
  auto message = field + ": " + reason;
  return core::Error(options.error, std::move(message), {core::FieldError{field, std::move(reason)}});
}

std::string example(int decimals) {
  return decimals == 0 ? "1999" : decimals == 3 ? "19.995" : "19.99";
}

}  // namespace

std::span<const Currency> currencies() noexcept {
  return kCurrencies;
}

std::optional<int> minor_units(std::string_view currency) noexcept {
  const auto it = std::lower_bound(kCurrencies.begin(), kCurrencies.end(), currency,
                                   [](const Currency& c, std::string_view code) { return c.code < code; });
  if (it == kCurrencies.end() || it->code != currency) {
    return std::nullopt;
  }
  return it->minor_units;
}

bool is_currency(std::string_view currency) noexcept {
  return minor_units(currency).has_value();
}

std::string format_decimal(std::int64_t amount, std::string_view currency) {
  std::string digits = std::to_string(magnitude(amount));
  const auto places = static_cast<std::size_t>(minor_units(currency).value_or(kFallbackMinorUnits));
  if (places > 0) {
    if (digits.size() <= places) {
      digits.insert(0, places + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - places, 1, '.');
  }
  return amount < 0 ? "-" + digits : digits;
}

std::string format(const Money& money) {
  std::string_view symbol;
  if (money.currency == "EUR") {
    symbol = "\u20AC";
  } else if (money.currency == "USD") {
    symbol = "$";
  } else if (money.currency == "GBP") {
    symbol = "\u00A3";
  }
  auto number = format_decimal(money.amount, money.currency);
  if (symbol.empty()) {
    return number + " " + money.currency;
  }
  const bool negative = money.amount < 0;
  return std::string(negative ? "-" : "") + std::string(symbol) + number.substr(negative ? 1 : 0);
}

std::int64_t parse_amount(std::string_view input, std::string_view currency, const std::string& field,
                          ParseOptions options) {
  const auto decimals = minor_units(currency);
  if (!decimals) {
    throw refusal(options, field, "\"" + std::string(currency) + "\" is not an ISO 4217 currency code");
  }
  const auto text = trimmed(input);
  const auto shown = "\"" + std::string(text) + "\"";
  if (text.empty()) {
    throw refusal(options, field, "enter a price, like " + example(*decimals));
  }
  const bool negative = options.allow_negative && text.starts_with('-');
  const auto number = negative ? text.substr(1) : text;
  const auto point = number.find_first_of(options.decimal_comma ? ".," : ".");
  const auto whole = number.substr(0, point);
  const auto fraction = point == std::string_view::npos ? std::string_view{} : number.substr(point + 1);
  const bool digits_only =
      std::all_of(whole.begin(), whole.end(), is_digit) && std::all_of(fraction.begin(), fraction.end(), is_digit);
  if (whole.empty() || !digits_only || (point != std::string_view::npos && fraction.empty())) {
    throw refusal(options, field, shown + " is not a price; write it like " + example(*decimals));
  }
  const auto places = static_cast<std::size_t>(*decimals);
  if (fraction.size() > places) {
    throw refusal(options, field,
                  std::string(currency) + " has " + std::to_string(places) + " decimal places; " + shown + " has " +
                      std::to_string(fraction.size()));
  }
  // The magnitude in unsigned arithmetic, checked before every step: INT64_MIN's magnitude is one
  // more than INT64_MAX's.
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const std::uint64_t limit = negative ? kMax + 1 : kMax;
  std::uint64_t value = 0;
  auto push = [&](char c) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (limit - digit) / 10) {
      throw refusal(options, field, shown + " is too large");
    }
    value = value * 10 + digit;
  };
  for (const char c : whole) {
    push(c);
  }
  for (std::size_t i = 0; i < places; ++i) {
    push(i < fraction.size() ? fraction[i] : '0');
  }
  if (negative) {
    // value <= 2^63: negate in unsigned arithmetic, then convert (well defined in C++20).
    return static_cast<std::int64_t>(std::uint64_t{0} - value);
  }
  return static_cast<std::int64_t>(value);
}

}  // namespace ecom::money
