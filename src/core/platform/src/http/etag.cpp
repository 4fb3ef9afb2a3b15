#include <ecom/platform/http/etag.hpp>

#include <xxhash.h>

namespace ecom::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view opaque(std::string_view tag) {
  if (tag.starts_with("W/")) {
    tag.remove_prefix(2);
  }
  return tag;
}

}  // namespace

std::string strong_etag(std::string_view body) {
  // XXH3-128: a validator has to tell the versions of one resource apart, not resist forgery (the
  // body is ours, not the client's), and hashing at memory speed matters: SHA-256 took about 13 %
  // of the CPU of a product page served from memory. The canonical form is big-endian, so every
  // process and machine gives the same tag for the same bytes.
  XXH128_canonical_t digest;
  XXH128_canonicalFromHash(&digest, XXH3_128bits(body.data(), body.size()));
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string tag = "\"";
  for (const unsigned char byte : digest.digest) {
    tag.push_back(kHex[byte >> 4U]);
    tag.push_back(kHex[byte & 0x0FU]);
  }
  tag.push_back('"');
  return tag;
}

bool if_none_match(std::string_view header, std::string_view etag) {
  const auto wanted = opaque(etag);
  // Bounded by the header's length: each pass consumes at least one character.
  while (!header.empty()) {
    const auto comma = header.find(',');
    const auto item = trim(header.substr(0, comma));
    if (item == "*" || (!item.empty() && opaque(item) == wanted)) {
      return true;
    }
    if (comma == std::string_view::npos) {
      break;
    }
    header.remove_prefix(comma + 1);
  }
  return false;
}

Response with_etag(const Request& request, Response response) {
  if (response.status != 200) {
    return response;
  }
  auto tag = strong_etag(response.body);
  if (const auto header = request.header("If-None-Match"); header && if_none_match(*header, tag)) {
    Response not_modified = Response::empty(304);
    not_modified.headers.set("ETag", std::move(tag));
    return not_modified;
  }
  response.headers.set("ETag", std::move(tag));
  return response;
}

}  // namespace ecom::http
