#include "sodium_init.hpp"

#include <ecom/identity/tokens.hpp>
#include <ecom/identity/totp.hpp>

#include <array>
#include <sodium.h>
#include <stdexcept>
#include <string>

namespace ecom::identity {
namespace {

constexpr std::size_t kMinTokenBytes = 16;
constexpr std::size_t kRecoveryCodeChars = 10;  // 50 bits of base32

}  // namespace

std::string new_token(std::size_t bytes) {
  if (bytes < kMinTokenBytes) {
    throw std::invalid_argument("a token needs at least 16 random bytes");
  }
  detail::init_sodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw.data(), raw.size());
  out.resize(out.find('\0'));
  return out;
}

std::string token_hash(std::string_view token) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()), token.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

std::vector<std::string> new_recovery_codes(std::size_t count) {
  detail::init_sodium();
  std::vector<std::string> codes;
  codes.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    // 50 bits: 7 random bytes, of which the first 10 base32 characters are kept.
    std::string raw((kRecoveryCodeChars * 5 + 7) / 8, '\0');
    randombytes_buf(raw.data(), raw.size());
    auto code = base32_encode(raw).substr(0, kRecoveryCodeChars);
    codes.push_back(code.substr(0, kRecoveryCodeChars / 2) + "-" + code.substr(kRecoveryCodeChars / 2));
  }
  return codes;
}

std::string normalize_recovery_code(std::string_view typed) {
  std::string letters;
  for (const char c : typed) {
    if (c == ' ' || c == '-' || c == '\t') {
      continue;
    }
    letters += c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  }
  if (letters.size() != kRecoveryCodeChars) {
    return letters;  // matches no stored code
  }
  return letters.substr(0, kRecoveryCodeChars / 2) + "-" + letters.substr(kRecoveryCodeChars / 2);
}

std::string csrf_token_for(std::string_view session_token) {
  // A separate domain ("csrf:") so that the value is never the session's stored hash.
  return token_hash("csrf:" + std::string(session_token));
}

bool equal_secrets(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && (a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace ecom::identity
