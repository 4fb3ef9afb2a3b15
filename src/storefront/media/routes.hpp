// Product images from the local file store (storage.root), served under /media when the asset base
// URL is the local "/media"; with a CDN URL in assets.base_url the CDN serves them instead (from
// its own origin, which may be this route). Keys are checked before any file-system access
// (storage::valid_key): traversal, absolute paths and hidden files are 404. Only image types are
// served, with X-Content-Type-Options: nosniff; a file whose name holds its content hash is
// cacheable for a year (immutable), others revalidate by ETag.
#pragma once

#include <ecom/platform/http/router.hpp>

#include <filesystem>
#include <string_view>

namespace ecom::storefront::media {

inline constexpr std::string_view kLocalBaseUrl = "/media";

void add_routes(http::Router& router, const std::filesystem::path& root);

}  // namespace ecom::storefront::media
