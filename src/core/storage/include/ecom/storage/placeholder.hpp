// Placeholder product images for demo data: small, deterministic PNGs (a vertical gradient between
// two colours), encoded here with zlib so that seeding needs no image library or network.
#pragma once

#include <cstdint>
#include <string>

namespace ecom::storage {

struct Rgb {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
};

// An 8-bit RGB PNG of width x height (1..8000 each) shading from top to bottom. The same arguments
// give the same bytes. Throws std::invalid_argument for a size out of range.
[[nodiscard]] std::string placeholder_png(std::uint32_t width, std::uint32_t height, Rgb top, Rgb bottom);

}  // namespace ecom::storage
