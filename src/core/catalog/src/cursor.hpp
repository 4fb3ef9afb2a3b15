// Listing cursors: the last row's (sort key, id) as "key|id", base64url-encoded and
// signed with HMAC-SHA-256, "<payload>.<signature>". Opaque to clients; a forged or altered
// cursor fails the signature check instead of paging from an arbitrary place.
//
// A scoped cursor (a non-empty scope: the sort, category and search words) is
// "key|id|offset|digest": relevance has no stable keyset, so it pages by offset, and the digest of
// the scope makes a cursor from one sort or search fail on another (and on the plain listing).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ecom::catalog::detail {

struct CursorPosition {
  std::int64_t key = 0;  // the last row's sort key: created_at for newest, the price for price sorts
  std::int64_t id = 0;
  std::int64_t offset = 0;  // rows already shown; only with a scope
};

// 32 random bytes, for a process without a configured key.
[[nodiscard]] std::string random_key();
[[nodiscard]] std::string encode_cursor(std::string_view key, const CursorPosition& position,
                                        std::string_view scope = "");
// Throws core::Error bad_request naming "cursor" when text is malformed, its signature is wrong or
// it was made for another scope.
[[nodiscard]] CursorPosition decode_cursor(std::string_view key, std::string_view text, std::string_view scope = "");

[[nodiscard]] std::string base64url_encode(std::string_view bytes);
// False when text is not unpadded base64url as base64url_encode writes it.
[[nodiscard]] bool base64url_decode(std::string_view text, std::string& out);

}  // namespace ecom::catalog::detail
