// Image inspection for uploads: the type is read from the file's own signature (PNG, JPEG, GIF,
// WebP), never from its name or a Content-Type, and the width and height from its headers. Parsing
// is bounded by the buffer: a truncated or corrupt file is refused, never read past its end.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ecom::storage {

enum class ImageType { png, jpeg, gif, webp };
inline constexpr std::array<ImageType, 4> kImageTypes{ImageType::png, ImageType::jpeg, ImageType::gif, ImageType::webp};

struct ImageInfo {
  ImageType type = ImageType::png;
  // Pixels as a browser shows the image: a JPEG whose EXIF orientation turns it a quarter (5 to 8)
  // has them swapped from the stored pixels' (browsers apply the tag, and srcset widths must match).
  std::int64_t width = 0;
  std::int64_t height = 0;
  // EXIF orientation of a JPEG, 1 to 8 (1: the stored pixels are upright); 1 for every other file
  // and for a JPEG without a readable tag.
  int orientation = 1;
};

struct ImageLimits {
  std::int64_t max_bytes = 10 * 1024 * 1024;
  std::int64_t max_pixels = 8000;  // width and height each
};

// "image/png", "image/jpeg", "image/gif", "image/webp".
[[nodiscard]] std::string_view mime_type(ImageType type) noexcept;
// "png", "jpg", "gif", "webp": the extension of stored keys.
[[nodiscard]] std::string_view extension(ImageType type) noexcept;
// The type whose mime_type is media_type ("image/png" -> png); nullopt for any other.
[[nodiscard]] std::optional<ImageType> image_type_of_mime(std::string_view media_type) noexcept;
// The type a stored key's extension names: ".png", ".jpg" (or ".jpeg"), ".gif", ".webp"; nullopt for
// any other name, so that nothing but these four is ever served from the media folder.
[[nodiscard]] std::optional<ImageType> image_type_of_key(std::string_view key) noexcept;

// Checks and measures an uploaded image. Throws core::Error naming "image": payload_too_large (413)
// over limits.max_bytes; unsupported_media (415) when the bytes are none of the four formats;
// unprocessable (422) when the file is empty, truncated or corrupt, or a side is 0 or over
// limits.max_pixels.
[[nodiscard]] ImageInfo inspect_image(std::string_view bytes, const ImageLimits& limits = {});

}  // namespace ecom::storage
