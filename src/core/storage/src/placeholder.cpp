#include <ecom/storage/placeholder.hpp>

#include <zlib.h>

#include <stdexcept>
#include <string_view>
#include <vector>

namespace ecom::storage {
namespace {

constexpr std::uint32_t kMaxSide = 8000;

void put_u32(std::string& out, std::uint32_t v) {
  out += static_cast<char>((v >> 24) & 0xFFU);
  out += static_cast<char>((v >> 16) & 0xFFU);
  out += static_cast<char>((v >> 8) & 0xFFU);
  out += static_cast<char>(v & 0xFFU);
}

// length, type, data, CRC-32 over type and data (PNG spec 5.3).
void put_chunk(std::string& out, std::string_view type, std::string_view data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = out.size();
  out += type;
  out += data;
  const auto* crc_bytes = reinterpret_cast<const Bytef*>(out.data() + start);
  put_u32(out, static_cast<std::uint32_t>(crc32(0L, crc_bytes, static_cast<uInt>(out.size() - start))));
}

std::uint8_t mix(std::uint8_t a, std::uint8_t b, std::uint32_t y, std::uint32_t last) {
  if (last == 0) {
    return a;
  }
  const auto value = (static_cast<std::uint32_t>(a) * (last - y) + static_cast<std::uint32_t>(b) * y) / last;
  return static_cast<std::uint8_t>(value);
}

}  // namespace

std::string placeholder_png(std::uint32_t width, std::uint32_t height, Rgb top, Rgb bottom) {
  if (width == 0 || height == 0 || width > kMaxSide || height > kMaxSide) {
    throw std::invalid_argument("placeholder_png: width and height must be 1..8000");
  }
  // Raw scanlines: filter type 0 (none) then RGB triples; every row is one colour, so deflate
  // shrinks each repeated row to a few bytes.
  const std::size_t row_bytes = 1 + static_cast<std::size_t>(width) * 3;
  std::vector<Bytef> raw(row_bytes * height);
  for (std::uint32_t y = 0; y < height; ++y) {
    Bytef* row = raw.data() + static_cast<std::size_t>(y) * row_bytes;
    row[0] = 0;
    const std::uint8_t r = mix(top.r, bottom.r, y, height - 1);
    const std::uint8_t g = mix(top.g, bottom.g, y, height - 1);
    const std::uint8_t b = mix(top.b, bottom.b, y, height - 1);
    for (std::uint32_t x = 0; x < width; ++x) {
      row[1 + x * 3] = r;
      row[2 + x * 3] = g;
      row[3 + x * 3] = b;
    }
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::vector<Bytef> packed(packed_size);
  if (compress2(packed.data(), &packed_size, raw.data(), static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION) != Z_OK) {
    throw std::runtime_error("placeholder_png: zlib failed");
  }

  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  put_u32(ihdr, width);
  put_u32(ihdr, height);
  ihdr += '\x08';                // bit depth
  ihdr += '\x02';                // colour type: truecolour
  ihdr += std::string(3, '\0');  // compression, filter, interlace
  put_chunk(png, "IHDR", ihdr);
  put_chunk(png, "IDAT", std::string_view(reinterpret_cast<const char*>(packed.data()), packed_size));
  put_chunk(png, "IEND", {});
  return png;
}

}  // namespace ecom::storage
