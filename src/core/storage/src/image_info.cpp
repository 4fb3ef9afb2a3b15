// Every read goes through Reader, which checks the offset against the buffer first: the input is
// untrusted and may claim lengths far past its end.
#include <ecom/platform/error.hpp>
#include <ecom/storage/image.hpp>

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ecom::storage {
namespace {

using core::Error;
using core::ErrorCode;

constexpr std::string_view kPngSignature{"\x89PNG\r\n\x1a\n", 8};
constexpr std::size_t kPngIhdrLength = 13;
constexpr std::uint32_t kPngMaxChunk = 0x7FFFFFFF;  // PNG spec 5.3: lengths are at most 2^31 - 1

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }
  [[nodiscard]] bool has(std::size_t offset, std::size_t count) const noexcept {
    return offset <= bytes_.size() && count <= bytes_.size() - offset;
  }
  [[nodiscard]] std::optional<std::uint8_t> u8(std::size_t offset) const noexcept {
    if (!has(offset, 1)) {
      return std::nullopt;
    }
    return static_cast<std::uint8_t>(bytes_[offset]);
  }
  [[nodiscard]] std::optional<std::uint32_t> be(std::size_t offset, std::size_t count) const noexcept {
    if (!has(offset, count)) {
      return std::nullopt;
    }
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < count; ++i) {
      v = (v << 8U) | static_cast<std::uint8_t>(bytes_[offset + i]);
    }
    return v;
  }
  [[nodiscard]] std::optional<std::uint32_t> le(std::size_t offset, std::size_t count) const noexcept {
    if (!has(offset, count)) {
      return std::nullopt;
    }
    std::uint32_t v = 0;
    for (std::size_t i = count; i > 0; --i) {
      v = (v << 8U) | static_cast<std::uint8_t>(bytes_[offset + i - 1]);
    }
    return v;
  }
  [[nodiscard]] std::string_view slice(std::size_t offset, std::size_t count) const noexcept {
    return has(offset, count) ? bytes_.substr(offset, count) : std::string_view{};
  }

 private:
  std::string_view bytes_;
};

Error image_error(ErrorCode code, const std::string& reason) {
  return Error(code, "invalid image: " + reason, {core::FieldError{"image", reason}});
}

Error corrupt(std::string_view format) {
  return image_error(ErrorCode::unprocessable, "the " + std::string(format) + " file is truncated or corrupt");
}

ImageInfo inspect_png(const Reader& r) {
  std::size_t pos = kPngSignature.size();
  std::optional<ImageInfo> info;
  bool has_data = false;
  // Each chunk is at least 12 bytes, so the loop ends within size / 12 rounds.
  while (true) {
    const auto length = r.be(pos, 4);
    const auto type = r.slice(pos + 4, 4);
    if (!length || type.empty() || *length > kPngMaxChunk || !r.has(pos + 8, std::size_t{*length} + 4)) {
      throw corrupt("PNG");
    }
    const auto stored_crc = *r.be(pos + 8 + *length, 4);
    const auto covered = r.slice(pos + 4, 4 + std::size_t{*length});
    const auto crc = crc32(0L, reinterpret_cast<const Bytef*>(covered.data()), static_cast<uInt>(covered.size()));
    if (crc != stored_crc) {
      throw corrupt("PNG");
    }
    if (!info) {
      if (type != "IHDR" || *length != kPngIhdrLength) {
        throw corrupt("PNG");
      }
      info = ImageInfo{ImageType::png, *r.be(pos + 8, 4), *r.be(pos + 12, 4)};
    } else if (type == "IDAT") {
      has_data = true;
    } else if (type == "IEND") {
      if (!has_data) {
        throw corrupt("PNG");
      }
      return *info;
    }
    pos += 12 + std::size_t{*length};
  }
}

// The EXIF orientation (1 to 8) in a JPEG APP1 segment's first IFD; 1 when there is none or it
// cannot be read. A malformed EXIF block is common in the wild and harmless, so it never refuses
// the file. Every read is bounded by the segment: an entry count past its end stops the loop.
int exif_orientation(const Reader& segment) {
  constexpr std::size_t kTiff = 6;  // after "Exif\0\0"
  constexpr std::size_t kEntryBytes = 12;
  constexpr std::uint32_t kOrientationTag = 0x0112;
  constexpr std::uint32_t kShort = 3;
  if (segment.slice(0, kTiff) != std::string_view("Exif\0\0", kTiff)) {
    return 1;
  }
  const auto order = segment.slice(kTiff, 2);
  const bool little = order == "II";
  if (!little && order != "MM") {
    return 1;
  }
  const auto read = [&](std::size_t offset, std::size_t count) {
    return little ? segment.le(offset, count) : segment.be(offset, count);
  };
  const auto first_ifd = read(kTiff + 4, 4);
  if (read(kTiff + 2, 2) != 42U || !first_ifd) {
    return 1;
  }
  const std::size_t start = kTiff + *first_ifd;
  const auto entries = read(start, 2);
  for (std::uint32_t i = 0; entries && i < *entries; ++i) {
    const std::size_t entry = start + 2 + std::size_t{i} * kEntryBytes;
    const auto tag = read(entry, 2);
    if (!tag) {
      return 1;
    }
    if (*tag == kOrientationTag) {
      const auto value = read(entry + 8, 2);
      return read(entry + 2, 2) == kShort && value && *value >= 1 && *value <= 8 ? static_cast<int>(*value) : 1;
    }
  }
  return 1;
}

// Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are
// not frames.
bool is_sof(std::uint8_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

ImageInfo inspect_jpeg(const Reader& r) {
  std::size_t pos = 2;  // after SOI
  std::optional<ImageInfo> info;
  int orientation = 1;
  while (true) {
    if (r.u8(pos) != 0xFF) {
      throw corrupt("JPEG");
    }
    while (r.u8(pos) == 0xFF) {  // fill bytes
      ++pos;
    }
    const auto marker = r.u8(pos);
    if (!marker) {
      throw corrupt("JPEG");
    }
    ++pos;
    if (*marker == 0x01 || (*marker >= 0xD0 && *marker <= 0xD8)) {
      continue;  // TEM, RSTn, SOI: no length
    }
    if (*marker == 0xD9) {
      throw corrupt("JPEG");  // EOI before any scan
    }
    const auto length = r.be(pos, 2);
    if (!length || *length < 2 || !r.has(pos, *length)) {
      throw corrupt("JPEG");
    }
    if (is_sof(*marker)) {
      if (*length < 8 || info) {
        throw corrupt("JPEG");
      }
      info = ImageInfo{ImageType::jpeg, *r.be(pos + 5, 2), *r.be(pos + 3, 2)};
    } else if (*marker == 0xE1 && orientation == 1) {  // APP1: EXIF (or XMP, which has none)
      orientation = exif_orientation(Reader(r.slice(pos + 2, *length - 2)));
    } else if (*marker == 0xDA) {  // SOS: entropy-coded data follows up to EOI
      // A whole file ends with EOI; a cut-off upload does not.
      if (!info || r.size() < 2 || r.be(r.size() - 2, 2) != 0xFFD9U) {
        throw corrupt("JPEG");
      }
      info->orientation = orientation;
      if (orientation >= 5) {
        std::swap(info->width, info->height);
      }
      return *info;
    }
    pos += *length;
  }
}

ImageInfo inspect_gif(const Reader& r) {
  constexpr std::size_t kHeaderAndScreen = 13;
  // A GIF ends with its trailer byte (0x3B); a cut-off upload does not.
  if (r.size() <= kHeaderAndScreen || r.u8(r.size() - 1) != 0x3B) {
    throw corrupt("GIF");
  }
  return ImageInfo{ImageType::gif, *r.le(6, 2), *r.le(8, 2)};
}

ImageInfo inspect_webp(const Reader& r) {
  constexpr std::size_t kFirstChunk = 12;
  constexpr std::size_t kPayload = 20;
  const auto riff_size = r.le(4, 4);
  const auto chunk_size = r.le(kFirstChunk + 4, 4);
  const auto fourcc = r.slice(kFirstChunk, 4);
  if (!riff_size || !chunk_size || !r.has(0, std::size_t{*riff_size} + 8) ||
      std::size_t{*chunk_size} + kPayload > std::size_t{*riff_size} + 8) {
    throw corrupt("WebP");
  }
  if (fourcc == "VP8X" && *chunk_size >= 10) {
    return ImageInfo{ImageType::webp, std::int64_t{*r.le(kPayload + 4, 3)} + 1,
                     std::int64_t{*r.le(kPayload + 7, 3)} + 1};
  }
  if (fourcc == "VP8L" && *chunk_size >= 5 && r.u8(kPayload) == 0x2F) {
    const auto bits = *r.le(kPayload + 1, 4);
    return ImageInfo{ImageType::webp, std::int64_t{bits & 0x3FFFU} + 1, std::int64_t{(bits >> 14U) & 0x3FFFU} + 1};
  }
  // Lossy: a key frame (tag bit 0 clear) with the start code 9D 01 2A, then 14-bit sizes.
  if (fourcc == "VP8 " && *chunk_size >= 10 && (*r.u8(kPayload) & 1U) == 0 && r.be(kPayload + 3, 3) == 0x9D012AU) {
    return ImageInfo{ImageType::webp, *r.le(kPayload + 6, 2) & 0x3FFFU, *r.le(kPayload + 8, 2) & 0x3FFFU};
  }
  throw corrupt("WebP");
}

}  // namespace

std::string_view mime_type(ImageType type) noexcept {
  switch (type) {
    case ImageType::png:
      return "image/png";
    case ImageType::jpeg:
      return "image/jpeg";
    case ImageType::gif:
      return "image/gif";
    case ImageType::webp:
      return "image/webp";
  }
  return "application/octet-stream";
}

std::string_view extension(ImageType type) noexcept {
  switch (type) {
    case ImageType::png:
      return "png";
    case ImageType::jpeg:
      return "jpg";
    case ImageType::gif:
      return "gif";
    case ImageType::webp:
      return "webp";
  }
  return "bin";
}

ImageInfo inspect_image(std::string_view bytes, const ImageLimits& limits) {
  if (static_cast<std::int64_t>(bytes.size()) > limits.max_bytes) {
    throw image_error(ErrorCode::payload_too_large,
                      "larger than the limit of " + std::to_string(limits.max_bytes) + " bytes");
  }
  if (bytes.empty()) {
    throw image_error(ErrorCode::unprocessable, "the file is empty");
  }
  const Reader r(bytes);
  ImageInfo info;
  if (bytes.starts_with(kPngSignature)) {
    info = inspect_png(r);
  } else if (bytes.starts_with("\xFF\xD8\xFF")) {
    info = inspect_jpeg(r);
  } else if (bytes.starts_with("GIF87a") || bytes.starts_with("GIF89a")) {
    info = inspect_gif(r);
  } else if (bytes.starts_with("RIFF") && r.slice(8, 4) == "WEBP") {
    info = inspect_webp(r);
  } else {
    throw image_error(ErrorCode::unsupported_media, "not a PNG, JPEG, GIF or WebP image");
  }
  if (info.width <= 0 || info.height <= 0) {
    throw image_error(ErrorCode::unprocessable, "the image has no pixels");
  }
  if (info.width > limits.max_pixels || info.height > limits.max_pixels) {
    throw image_error(ErrorCode::unprocessable, std::to_string(info.width) + "x" + std::to_string(info.height) +
                                                    " pixels is larger than " + std::to_string(limits.max_pixels) +
                                                    " pixels a side");
  }
  return info;
}

std::optional<ImageType> image_type_of_mime(std::string_view media_type) noexcept {
  for (const auto type : kImageTypes) {
    if (media_type == mime_type(type)) {
      return type;
    }
  }
  return std::nullopt;
}

std::optional<ImageType> image_type_of_key(std::string_view key) noexcept {
  const auto dot = key.rfind('.');
  if (dot == std::string_view::npos) {
    return std::nullopt;
  }
  const auto ext = key.substr(dot + 1);
  if (ext == "jpeg") {
    return ImageType::jpeg;
  }
  for (const auto type : kImageTypes) {
    if (ext == extension(type)) {
      return type;
    }
  }
  return std::nullopt;
}

}  // namespace ecom::storage
