#include "sodium_init.hpp"

#include <ecom/identity/tokens.hpp>
#include <ecom/identity/totp.hpp>
#include <ecom/platform/http/query.hpp>

#include <array>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <stdexcept>

namespace ecom::identity {
namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::size_t kSecretBytes = 20;
constexpr int kDigits = 6;

}  // namespace

std::string base32_encode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8U) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 5) {
      out += kBase32[(buffer >> static_cast<unsigned>(bits - 5)) & 0x1FU];
      bits -= 5;
    }
  }
  if (bits > 0) {
    out += kBase32[(buffer << static_cast<unsigned>(5 - bits)) & 0x1FU];
  }
  return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    if (c == ' ' || c == '=' || c == '-') {
      continue;
    }
    const char upper = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    const auto value = kBase32.find(upper);
    if (value == std::string_view::npos) {
      return std::nullopt;
    }
    buffer = (buffer << 5U) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> static_cast<unsigned>(bits - 8)) & 0xFFU);
      bits -= 8;
    }
  }
  return out;
}

std::string new_totp_secret() {
  detail::init_sodium();
  std::string secret(kSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string totp_code(std::string_view secret, std::int64_t unix_seconds, int digits) {
  if (digits < 6 || digits > 8) {
    throw std::invalid_argument("a TOTP code has 6 to 8 digits");
  }
  // RFC 4226: HMAC-SHA1 of the 8-byte big-endian counter, dynamically truncated to 31 bits.
  const auto counter = static_cast<std::uint64_t>(unix_seconds / kTotpStep);
  std::array<unsigned char, 8> message{};
  for (std::size_t i = 0; i < message.size(); ++i) {
    message.at(message.size() - 1 - i) = static_cast<unsigned char>((counter >> (8 * i)) & 0xFFU);
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_length = 0;
  if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), message.data(), message.size(), mac.data(),
           &mac_length) == nullptr ||
      mac_length < 20) {
    throw std::runtime_error("HMAC-SHA1 failed");
  }
  const auto offset = static_cast<std::size_t>(mac.at(mac_length - 1) & 0x0FU);
  const auto byte = [&](std::size_t at) { return static_cast<std::uint32_t>(mac.at(at)); };
  const std::uint32_t value =
      ((byte(offset) & 0x7FU) << 24U) | (byte(offset + 1) << 16U) | (byte(offset + 2) << 8U) | byte(offset + 3);
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) {
    modulus *= 10;
  }
  auto code = std::to_string(value % modulus);
  code.insert(0, static_cast<std::size_t>(digits) - code.size(), '0');
  return code;
}

std::optional<std::int64_t> totp_match(std::string_view secret, std::string_view code, std::int64_t unix_seconds) {
  if (code.size() != kDigits || code.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const std::int64_t step = unix_seconds / kTotpStep;
  std::optional<std::int64_t> matched;
  // Every candidate is computed and compared in constant time, so the answer's timing does not
  // say which step (if any) matched.
  for (const std::int64_t candidate : {step - 1, step, step + 1}) {
    if (equal_secrets(totp_code(secret, candidate * kTotpStep, kDigits), code) && !matched) {
      matched = candidate;
    }
  }
  return matched;
}

std::string totp_uri(std::string_view issuer, std::string_view account, std::string_view secret) {
  const auto encoded_issuer = http::encode_component(issuer);
  return "otpauth://totp/" + encoded_issuer + ":" + http::encode_component(account) +
         "?secret=" + base32_encode(secret) + "&issuer=" + encoded_issuer + "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace ecom::identity
