// Strong ETags for generated answers, and If-None-Match: a client (or a CDN) that already holds
// the same bytes gets 304 Not Modified instead of the body again.
#pragma once

#include <ecom/platform/http/message.hpp>

#include <string>
#include <string_view>

namespace ecom::http {

// A strong entity tag for body: "\"" + the first 128 bits of its SHA-256 in hex + "\"".
[[nodiscard]] std::string strong_etag(std::string_view body);
// True when an If-None-Match header value (a list of tags, possibly weak, or "*") matches etag.
// Weak comparison, as RFC 9110 prescribes for If-None-Match.
[[nodiscard]] bool if_none_match(std::string_view header, std::string_view etag);
// Gives a 200 response its ETag; answers 304 (no body, same ETag) when the request's If-None-Match
// matches. Other statuses pass through unchanged.
[[nodiscard]] Response with_etag(const Request& request, Response response);

}  // namespace ecom::http
