// Image sizes for responsive pages (srcset): the one rule for which widths a stored image comes in
// and where each copy is kept. An image stored under `key` at its own width may have smaller
// copies at the widths of kImageWidths, each under sized_key(key, width):
//   placeholders/seed-01.png (800 x 800) and placeholders/seed-01-400w.png (400 x 400).
// Pages list them all in srcset; the media route answers a copy that was never written with the
// original, so a srcset is never broken (uploads get their copies from resize.hpp, except GIFs and
// images over kMaxResizePixels; placeholders are generated at every size). docs/images.md has the
// whole picture.
#pragma once

#include <ecom/storage/placeholder.hpp>
#include <ecom/storage/storage.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::storage {

// The widths, in pixels, of the smaller copies: 400 for 1x on a phone or a listing card, 800 for
// 2x there (the product gallery is at most 40rem = 640 CSS px wide).
inline constexpr std::array<std::int64_t, 2> kImageWidths{400, 800};

// "products/1/ab.png", 400 -> "products/1/ab-400w.png" (still a valid_key).
[[nodiscard]] std::string sized_key(std::string_view key, std::int64_t width);

struct SizedKey {
  std::string original;  // the key of the image the copy was made from
  std::int64_t width = 0;
};
// The other way round: "products/1/ab-400w.png" -> {"products/1/ab.png", 400}; nullopt when the
// key names no copy at a width of kImageWidths.
[[nodiscard]] std::optional<SizedKey> parse_sized_key(std::string_view key);

struct SizeCandidate {
  std::string key;
  std::int64_t width = 0;
};
// The srcset candidates of an image `width` pixels wide, narrowest first: a copy at each width of
// kImageWidths below its own, then the original itself.
[[nodiscard]] std::vector<SizeCandidate> size_candidates(std::string_view key, std::int64_t width);

// Writes a square placeholder PNG of side pixels under key and its smaller copies, each a gradient
// of its own size; a file already there at the right size is kept (a smaller one is replaced).
void put_placeholder(Storage& store, std::string_view key, std::uint32_t side, Rgb top, Rgb bottom);

}  // namespace ecom::storage
