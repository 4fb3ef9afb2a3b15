// Listing cursors: the last row's (created_at, id) as "created_at|id", base64url-encoded and
// signed with HMAC-SHA-256, "<payload>.<signature>". Opaque to clients; a forged or altered
// cursor fails the signature check instead of paging from an arbitrary place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ecom::catalog::detail {

struct CursorPosition {
  std::int64_t created_at_us = 0;
  std::int64_t id = 0;
};

// 32 random bytes, for a process without a configured key.
[[nodiscard]] std::string random_key();
[[nodiscard]] std::string encode_cursor(std::string_view key, const CursorPosition& position);
// Throws core::Error bad_request naming "cursor" when text is malformed or its signature is wrong.
[[nodiscard]] CursorPosition decode_cursor(std::string_view key, std::string_view text);

[[nodiscard]] std::string base64url_encode(std::string_view bytes);
// False when text is not unpadded base64url as base64url_encode writes it.
[[nodiscard]] bool base64url_decode(std::string_view text, std::string& out);

}  // namespace ecom::catalog::detail
