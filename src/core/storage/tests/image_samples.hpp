// Tiny images built in the tests, byte by byte: PNGs from placeholder_png (decodable by any
// viewer), a baseline greyscale JPEG whose Huffman tables hold one code each so every 8x8 block is
// "DC unchanged, end of block" (a real, decodable grey image), the classic 1x1 GIF89a, and WebP
// files with a real RIFF layout and frame header for each of the three bitstream kinds.
#pragma once

#include <ecom/storage/placeholder.hpp>

#include <cstdint>
#include <string>

namespace ecom::storage::test {

inline std::string png(std::uint32_t width, std::uint32_t height) {
  return placeholder_png(width, height, Rgb{200, 40, 40}, Rgb{40, 40, 200});
}

inline void put16(std::string& out, std::uint32_t v) {
  out += static_cast<char>((v >> 8U) & 0xFFU);
  out += static_cast<char>(v & 0xFFU);
}

inline void put_le(std::string& out, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    out += static_cast<char>((v >> (8 * i)) & 0xFFU);
  }
}

inline std::string jpeg(std::uint32_t width, std::uint32_t height) {
  std::string out("\xFF\xD8", 2);
  // APP0 JFIF
  out += std::string("\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 18);
  // DQT: table 0, all ones
  out += std::string("\xFF\xDB\x00\x43\x00", 5);
  out += std::string(64, '\x01');
  // SOF0: 8-bit, height, width, one component (id 1, 1x1 sampling, table 0)
  out += std::string("\xFF\xC0\x00\x0B\x08", 5);
  put16(out, height);
  put16(out, width);
  out += std::string("\x01\x01\x11\x00", 4);
  // DHT: DC table 0 and AC table 0, one code of length 1 each (category 0; EOB)
  out += std::string("\xFF\xC4\x00\x14\x00\x01", 6) + std::string(15, '\0') + std::string(1, '\0');
  out += std::string("\xFF\xC4\x00\x14\x10\x01", 6) + std::string(15, '\0') + std::string(1, '\0');
  // SOS: one component, tables 0/0, spectral 0..63
  out += std::string("\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00", 10);
  const std::uint32_t blocks = ((width + 7) / 8) * ((height + 7) / 8);
  const std::uint32_t bits = blocks * 2;  // "0" DC + "0" EOB per block
  const std::uint32_t bytes = (bits + 7) / 8;
  for (std::uint32_t i = 0; i < bytes; ++i) {
    const std::uint32_t used = (i + 1) * 8 <= bits ? 8 : bits - i * 8;
    // Zero bits for the codes, one bits to pad the last byte.
    out += static_cast<char>((1U << (8 - used)) - 1);
  }
  out += std::string("\xFF\xD9", 2);
  return out;
}

// A JPEG with an EXIF APP1 segment after its SOI whose first IFD holds one entry: Orientation
// (0x0112, SHORT) = orientation, in big-endian ("MM") or little-endian ("II") TIFF order. entries
// and tag override the IFD's entry count and the entry's tag (to claim entries past the segment).
inline std::string with_exif_orientation(const std::string& jpeg_bytes, std::uint32_t orientation, bool little,
                                         std::uint32_t entries = 1, std::uint32_t tag = 0x0112) {
  std::string tiff = little ? std::string("II\x2A\0\x08\0\0\0", 8) : std::string("MM\0\x2A\0\0\0\x08", 8);
  const auto put = [&](std::uint32_t v, int bytes) {
    if (little) {
      put_le(tiff, v, bytes);
    } else {
      for (int i = bytes - 1; i >= 0; --i) {
        tiff += static_cast<char>((v >> (8 * i)) & 0xFFU);
      }
    }
  };
  put(entries, 2);
  put(tag, 2);
  put(3, 2);
  put(1, 4);
  put(orientation, 2);
  put(0, 2);
  put(0, 4);  // no next IFD
  std::string segment("\xFF\xE1", 2);
  put16(segment, static_cast<std::uint32_t>(2 + 6 + tiff.size()));
  segment += std::string("Exif\0\0", 6);
  segment += tiff;
  return jpeg_bytes.substr(0, 2) + segment + jpeg_bytes.substr(2);
}

inline std::string gif_1x1() {
  return std::string(
      "GIF89a\x01\x00\x01\x00\x80\x00\x00\xFF\xFF\xFF\x00\x00\x00\x21\xF9\x04\x01\x00\x00\x00\x00\x2C\x00\x00\x00\x00"
      "\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3B",
      43);
}

inline std::string gif_claiming(std::uint32_t width, std::uint32_t height) {
  auto out = gif_1x1();
  out[6] = static_cast<char>(width & 0xFFU);
  out[7] = static_cast<char>((width >> 8U) & 0xFFU);
  out[8] = static_cast<char>(height & 0xFFU);
  out[9] = static_cast<char>((height >> 8U) & 0xFFU);
  return out;
}

inline std::string riff(const std::string& fourcc, const std::string& payload) {
  std::string chunk = fourcc;
  put_le(chunk, static_cast<std::uint32_t>(payload.size()), 4);
  chunk += payload;
  if (payload.size() % 2 == 1) {
    chunk += '\0';
  }
  std::string out = "RIFF";
  put_le(out, static_cast<std::uint32_t>(chunk.size() + 4), 4);
  out += "WEBP";
  out += chunk;
  return out;
}

inline std::string webp_lossless(std::uint32_t width, std::uint32_t height) {
  std::string payload("\x2F", 1);
  put_le(payload, (width - 1) | ((height - 1) << 14U), 4);
  payload += std::string(8, '\0');
  return riff("VP8L", payload);
}

inline std::string webp_lossy(std::uint32_t width, std::uint32_t height) {
  std::string payload("\x10\x02\x00\x9D\x01\x2A", 6);  // key frame tag, start code
  put_le(payload, width, 2);
  put_le(payload, height, 2);
  payload += std::string(12, '\0');
  return riff("VP8 ", payload);
}

inline std::string webp_extended(std::uint32_t width, std::uint32_t height) {
  std::string payload(4, '\0');  // flags + reserved
  put_le(payload, width - 1, 3);
  put_le(payload, height - 1, 3);
  return riff("VP8X", payload);
}

}  // namespace ecom::storage::test
