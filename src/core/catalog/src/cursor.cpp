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
// A cursor is two decimal numbers plus a signature: anything much longer is not one of ours.
constexpr std::size_t kMaxCursorLength = 200;

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

std::string encode_cursor(std::string_view key, const CursorPosition& position) {
  const std::string payload = std::to_string(position.created_at_us) + "|" + std::to_string(position.id);
  return base64url_encode(payload) + "." + base64url_encode(hmac_sha256(key, payload));
}

CursorPosition decode_cursor(std::string_view key, std::string_view text) {
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
  const auto bar = payload.find('|');
  CursorPosition position;
  if (bar == std::string::npos || !parse_int(std::string_view(payload).substr(0, bar), position.created_at_us) ||
      !parse_int(std::string_view(payload).substr(bar + 1), position.id)) {
    throw bad_cursor();
  }
  return position;
}

}  // namespace ecom::catalog::detail
