#include <ecom/storage/storage.hpp>

namespace ecom::storage {

bool valid_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > kMaxKeyLength) {
    return false;
  }
  bool segment_start = true;
  for (const char c : key) {
    const bool allowed =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '.' || c == '-';
    if (!allowed) {
      return false;
    }
    // An empty segment (leading '/', "//") or one starting with '.' ("..", ".", hidden files).
    if (segment_start && (c == '/' || c == '.')) {
      return false;
    }
    segment_start = c == '/';
  }
  return !segment_start;  // no trailing '/'
}

void declare_config(config::Schema& schema) {
  schema
      .string("storage.root", "var/media",
              "folder where uploaded files (product images) are stored; served under /media when assets.base_url "
              "is /media")
      .integer("storage.max_image_bytes", 10LL * 1024 * 1024, 1024, 100LL * 1024 * 1024,
               "largest image upload accepted, in bytes")
      .integer("storage.max_image_pixels", 8000, 16, 20000, "largest width and height of an uploaded image, in pixels")
      .string("assets.base_url", "/media", "where product images are served: a path (/media) or an http(s) URL");
}

void check_asset_base_url(const std::string& url) {
  const bool path = url.size() > 1 && url.starts_with('/');
  const bool absolute = url.starts_with("http://") || url.starts_with("https://");
  if (url.ends_with('/') || !(path || absolute)) {
    throw config::ConfigError(
        "assets.base_url: expected a path like \"/media\" or an http(s) URL without a trailing slash, got \"" + url +
        "\"");
  }
}

StorageOptions options_from(const config::Config& config) {
  StorageOptions options;
  options.root = config.string("storage.root");
  options.max_image_bytes = config.integer("storage.max_image_bytes");
  options.max_image_pixels = config.integer("storage.max_image_pixels");
  options.asset_base_url = config.string("assets.base_url");
  check_asset_base_url(options.asset_base_url);
  return options;
}

}  // namespace ecom::storage
