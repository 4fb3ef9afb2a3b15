// Stored files (product images) served over HTTP from a local store, for the storefront (at the
// local asset base URL "/media") and for the admin's thumbnails. With a CDN URL in assets.base_url
// the CDN serves them instead (from its own origin, which may be this route). Keys are checked
// before any file-system access (valid_key): traversal, absolute paths and hidden files are 404.
// Only image types are served, with X-Content-Type-Options: nosniff; a file whose name holds its
// content hash is cacheable for a year (immutable), others revalidate by ETag.
#pragma once

#include <ecom/platform/http/router.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace ecom::storage {

// assets.base_url when the files are served by our own processes.
inline constexpr std::string_view kLocalMediaUrl = "/media";

// GET url_prefix/{path...} from the files below root; options as for any route (the admin's
// declares its permission).
void mount_media(http::Router& router, const std::filesystem::path& root, const std::string& url_prefix,
                 http::RouteOptions options = {});

}  // namespace ecom::storage
