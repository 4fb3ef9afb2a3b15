#include "cursor.hpp"

#include <ecom/platform/error.hpp>

#include <array>
#include <charconv>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdexcept>

namespace ecom::catalog::detail {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// A cursor is at most three decimal numbers, a scope digest and a signature: anything much longer
// is not one of ours.
constexpr std::size_t kMaxCursorLength = 300;
// Characters of the base64url scope digest kept in a search cursor (96 bits).
constexpr std::size_t kScopeDigestLength = 16;

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  const auto* result = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &size);
  if (result == nullptr) {
    throw std::runtime_error("HMAC-SHA-256 failed");
  }
  return {reinterpret_cast<const char*>(out.data()), size};
}

int digit_of(char c) {
  const auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

bool parse_int(std::string_view text, std::int64_t& out) {
  if (text.empty()) {
    return false;
  }
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

core::Error bad_cursor() {
  return core::Error::bad_parameter("cursor", "not a cursor returned by this API");
}

std::string scope_digest(std::string_view key, std::string_view scope) {
  return base64url_encode(hmac_sha256(key, "scope|" + std::string(scope))).substr(0, kScopeDigestLength);
}

}  // namespace

std::string random_key() {
  std::array<unsigned char, 32> key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return {reinterpret_cast<const char*>(key.data()), key.size()};
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8U) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> static_cast<unsigned>(bits)) & 0x3FU]);
    }
  }
  if (bits > 0) {
    out.push_back(kAlphabet[(buffer << static_cast<unsigned>(6 - bits)) & 0x3FU]);
  }
  return out;
}

bool base64url_decode(std::string_view text, std::string& out) {
  out.clear();
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const int digit = digit_of(c);
    if (digit < 0) {
      return false;
    }
    buffer = (buffer << 6U) | static_cast<std::uint32_t>(digit);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xFFU));
    }
  }
  // Leftover bits must be zero padding of at most 4 bits, or the text was not made by encode.
  return bits < 6 && (buffer & ((1U << static_cast<unsigned>(bits)) - 1U)) == 0;
}

std::string encode_cursor(std::string_view key, const CursorPosition& position, std::string_view scope) {
  std::string payload = std::to_string(position.key) + "|" + std::to_string(position.id);
  if (!scope.empty()) {
    payload += "|" + std::to_string(position.offset) + "|" + scope_digest(key, scope);
  }
  return base64url_encode(payload) + "." + base64url_encode(hmac_sha256(key, payload));
}

CursorPosition decode_cursor(std::string_view key, std::string_view text, std::string_view scope) {
  if (text.size() > kMaxCursorLength) {
    throw bad_cursor();
  }
  const auto dot = text.find('.');
  std::string payload;
  std::string signature;
  if (dot == std::string_view::npos || !base64url_decode(text.substr(0, dot), payload) ||
      !base64url_decode(text.substr(dot + 1), signature)) {
    throw bad_cursor();
  }
  const std::string expected = hmac_sha256(key, payload);
  // Constant time: the comparison must not tell an attacker how much of a forgery was right.
  if (signature.size() != expected.size() || CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
    throw bad_cursor();
  }
  // Split on '|': two fields for a plain cursor, four for a scoped one; a fifth is malformed.
  std::array<std::string_view, 4> fields{};
  std::size_t count = 0;
  std::string_view rest = payload;
  while (count < fields.size()) {
    const auto bar = rest.find('|');
    fields.at(count++) = rest.substr(0, bar);
    if (bar == std::string_view::npos) {
      rest = {};
      break;
    }
    rest = rest.substr(bar + 1);
    if (count == fields.size()) {
      throw bad_cursor();
    }
  }
  const std::size_t expected_count = scope.empty() ? 2 : 4;
  CursorPosition position;
  if (count != expected_count || !parse_int(fields[0], position.key) || !parse_int(fields[1], position.id)) {
    throw bad_cursor();
  }
  if (!scope.empty() &&
      (!parse_int(fields[2], position.offset) || position.offset < 0 || fields[3] != scope_digest(key, scope))) {
    throw bad_cursor();
  }
  return position;
}

}  // namespace ecom::catalog::detail
