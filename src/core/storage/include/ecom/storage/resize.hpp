// The smaller copies of an uploaded image that its srcset lists (sizes.hpp), made with Debian's
// libgd: decoded, scaled down with a Mitchell filter (which averages every source pixel a target
// pixel covers, so a 4x reduction does not alias), turned upright by a JPEG's EXIF orientation (the
// copies carry no EXIF, so they must store what the browser would show) and encoded again in the
// image's own format (PNG keeps its alpha channel; JPEG and WebP at quality 85).
#pragma once

#include <ecom/storage/image.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::storage {

// Above this many pixels an upload keeps its one size: decoding it would take more than 4 bytes a
// pixel of memory (128 MiB here) on a server that has other work. The media route answers the
// missing copies with the original.
inline constexpr std::int64_t kMaxResizePixels = 32'000'000;

struct SizedCopy {
  std::string key;  // sized_key(original key, width)
  std::int64_t width = 0;
  std::int64_t height = 0;  // in proportion to the original's, at least 1
  std::string bytes;
};

// The copies of the image `bytes` (stored under key, measured by inspect_image as info) at each
// width that size_candidates lists below its own, narrowest first. None for a GIF (a copy would
// lose an animation's frames) or for more than kMaxResizePixels. Throws core::Error unprocessable
// naming "image" when the bytes cannot be decoded although their headers were valid (a corrupt
// scan, a cut-off data stream).
[[nodiscard]] std::vector<SizedCopy> sized_copies(std::string_view key, std::string_view bytes, const ImageInfo& info);

}  // namespace ecom::storage
