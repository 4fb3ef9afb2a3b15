#include <ecom/platform/error.hpp>
#include <ecom/platform/http/etag.hpp>
#include <ecom/storage/image.hpp>
#include <ecom/storage/media_route.hpp>
#include <ecom/storage/sizes.hpp>
#include <ecom/storage/storage.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace ecom::storage {
namespace {

constexpr std::size_t kHashDigits = 32;  // ImageService's keys: products/<id>/<32 hex digits>.<ext>
constexpr const char* kImmutable = "public, max-age=31536000, immutable";
// Placeholders and other names without a hash may change under the same name.
constexpr const char* kRevalidate = "public, max-age=3600";

// "products/12/<32 hex digits>.png" (or a smaller copy of it, "...-400w.png"): the name changes
// whenever the bytes do.
bool content_addressed(std::string_view key) {
  if (const auto sized = parse_sized_key(key)) {
    return content_addressed(sized->original);
  }
  const auto slash = key.rfind('/');
  const auto name = key.substr(slash == std::string_view::npos ? 0 : slash + 1);
  const auto stem = name.substr(0, name.find('.'));
  return stem.size() == kHashDigits &&
         std::all_of(stem.begin(), stem.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

void mount_media(http::Router& router, const std::filesystem::path& root, const std::string& url_prefix,
                 http::RouteOptions options) {
  auto store = std::make_shared<const LocalDiskStorage>(root);
  router.get(
      url_prefix + "/{path...}",
      [store](http::Request& request) {
        const auto key = request.param("path");
        const auto type = image_type_of_key(key);
        // Unsafe keys, non-image names and missing files all look the same to the client.
        if (!valid_key(key) || !type) {
          throw core::Error(core::ErrorCode::not_found, "No such file.");
        }
        auto bytes = store->get(key);
        // A smaller copy that was never made (a GIF, a huge upload, a file from before uploads were
        // resized) is answered with the original, so a page's srcset always loads; it
        // revalidates, as the copy may come.
        bool stand_in = false;
        if (const auto sized = bytes ? std::nullopt : parse_sized_key(key)) {
          bytes = store->get(sized->original);
          stand_in = true;
        }
        if (!bytes) {
          throw core::Error(core::ErrorCode::not_found, "No such file.");
        }
        http::Response response;
        response.status = 200;
        response.headers.set("Content-Type", std::string(mime_type(*type)));
        response.headers.set("Cache-Control", content_addressed(key) && !stand_in ? kImmutable : kRevalidate);
        response.headers.set("X-Content-Type-Options", "nosniff");
        response.body = std::move(*bytes);
        return http::with_etag(request, std::move(response));
      },
      std::move(options));
}

}  // namespace ecom::storage
