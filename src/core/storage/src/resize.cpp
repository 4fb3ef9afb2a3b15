#include <ecom/platform/error.hpp>
#include <ecom/storage/resize.hpp>
#include <ecom/storage/sizes.hpp>

#include <algorithm>
#include <cstdarg>
#include <gd.h>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace ecom::storage {
namespace {

constexpr int kLossyQuality = 85;
constexpr int kPngCompression = 6;  // zlib's default: level 9 costs twice the time for 1-2 % less

struct ImageDeleter {
  void operator()(gdImage* image) const noexcept { gdImageDestroy(image); }
};
using ImagePtr = std::unique_ptr<gdImage, ImageDeleter>;

struct GdFree {
  void operator()(void* data) const noexcept { gdFree(data); }
};

// libgd writes what its codecs complain of to stderr by default. A file it cannot decode is
// refused by the caller with a clear error, so its messages are not worth a line of log noise.
void ignore_gd_message(int /*priority*/, const char* /*format*/, va_list /*args*/) {}

core::Error undecodable(std::string_view format) {
  const std::string reason = "the " + std::string(format) + " data is corrupt or cut off";
  return core::Error(core::ErrorCode::unprocessable, "The image cannot be decoded: " + reason + ".",
                     {core::FieldError{"image", reason}});
}

ImagePtr decode(std::string_view bytes, ImageType type) {
  // libgd's readers take a non-const pointer but only read through it.
  void* data = const_cast<char*>(bytes.data());
  const int size = static_cast<int>(bytes.size());
  switch (type) {
    case ImageType::png:
      return ImagePtr(gdImageCreateFromPngPtr(size, data));
    case ImageType::jpeg:
      return ImagePtr(gdImageCreateFromJpegPtr(size, data));
    case ImageType::webp:
      return ImagePtr(gdImageCreateFromWebpPtr(size, data));
    case ImageType::gif:
      return ImagePtr(gdImageCreateFromGifPtr(size, data));
  }
  return nullptr;
}

std::string encode(gdImage* image, ImageType type) {
  int size = 0;
  void* out = nullptr;
  switch (type) {
    case ImageType::png:
      gdImageSaveAlpha(image, 1);
      out = gdImagePngPtrEx(image, &size, kPngCompression);
      break;
    case ImageType::jpeg:
      out = gdImageJpegPtr(image, &size, kLossyQuality);
      break;
    case ImageType::webp:
      gdImageSaveAlpha(image, 1);
      out = gdImageWebpPtrEx(image, &size, kLossyQuality);
      break;
    case ImageType::gif:
      out = gdImageGifPtr(image, &size);
      break;
  }
  const std::unique_ptr<void, GdFree> owned(out);
  if (out == nullptr || size <= 0) {
    throw core::Error(core::ErrorCode::internal, "An image copy could not be made.")
        .with_log_text("libgd could not encode a " + std::string(mime_type(type)) + " copy");
  }
  return {static_cast<const char*>(out), static_cast<std::size_t>(size)};
}

// The image turned upright by its EXIF orientation (2 to 8): the stored pixel shown at (dx, dy)
// for each of the eight cases of the EXIF specification. Run on the scaled copy, so it moves at
// most 800 x N pixels. JPEG copies carry no EXIF, so what they store is what is shown.
ImagePtr upright(gdImage* stored, int orientation) {
  const int w = gdImageSX(stored);
  const int h = gdImageSY(stored);
  const bool turned = orientation >= 5;
  ImagePtr out(gdImageCreateTrueColor(turned ? h : w, turned ? w : h));
  if (!out) {
    throw core::Error(core::ErrorCode::internal, "An image copy could not be made.")
        .with_log_text("libgd could not allocate an image copy");
  }
  gdImageAlphaBlending(out.get(), 0);
  for (int dy = 0; dy < gdImageSY(out.get()); ++dy) {
    for (int dx = 0; dx < gdImageSX(out.get()); ++dx) {
      int sx = dx;
      int sy = dy;
      switch (orientation) {
        case 2:  // mirrored
          sx = w - 1 - dx;
          break;
        case 3:  // upside down
          sx = w - 1 - dx;
          sy = h - 1 - dy;
          break;
        case 4:  // mirrored upside down
          sy = h - 1 - dy;
          break;
        case 5:  // transposed
          sx = dy;
          sy = dx;
          break;
        case 6:  // shown turned a quarter clockwise
          sx = dy;
          sy = h - 1 - dx;
          break;
        case 7:  // transversed
          sx = w - 1 - dy;
          sy = h - 1 - dx;
          break;
        case 8:  // shown turned a quarter anticlockwise
          sx = w - 1 - dy;
          sy = dx;
          break;
        default:
          break;
      }
      out->tpixels[dy][dx] = stored->tpixels[sy][sx];
    }
  }
  return out;
}

}  // namespace

std::vector<SizedCopy> sized_copies(std::string_view key, std::string_view bytes, const ImageInfo& info) {
  std::vector<SizedCopy> copies;
  auto candidates = size_candidates(key, info.width);
  candidates.pop_back();  // the original itself
  if (candidates.empty() || info.type == ImageType::gif || info.width * info.height > kMaxResizePixels ||
      bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return copies;
  }
  static std::once_flag quiet;
  std::call_once(quiet, [] { gdSetErrorMethod(ignore_gd_message); });

  // info has the sizes as shown; the stored pixels are turned a quarter for orientations 5 to 8.
  const bool turned = info.orientation >= 5;
  const ImagePtr source = decode(bytes, info.type);
  if (!source || gdImageSX(source.get()) != (turned ? info.height : info.width) ||
      gdImageSY(source.get()) != (turned ? info.width : info.height)) {
    throw undecodable(extension(info.type));
  }
  if (!gdImageTrueColor(source.get()) && gdImagePaletteToTrueColor(source.get()) == 0) {
    throw undecodable(extension(info.type));
  }
  // Mitchell: libgd's two-pass scaler widens the filter by the reduction, so every source pixel
  // counts (its bilinear and bicubic paths sample only the nearest few and alias).
  gdImageSetInterpolationMethod(source.get(), GD_MITCHELL);
  gdImageAlphaBlending(source.get(), 0);
  for (auto& candidate : candidates) {
    const std::int64_t height =
        std::max<std::int64_t>(1, (info.height * candidate.width + info.width / 2) / info.width);
    const auto w = static_cast<unsigned>(candidate.width);
    const auto h = static_cast<unsigned>(height);
    ImagePtr scaled(gdImageScale(source.get(), turned ? h : w, turned ? w : h));
    if (!scaled) {
      throw core::Error(core::ErrorCode::internal, "An image copy could not be made.")
          .with_log_text("libgd could not scale an image to " + std::to_string(candidate.width) + " pixels");
    }
    if (info.orientation > 1) {
      scaled = upright(scaled.get(), info.orientation);
    }
    copies.push_back(SizedCopy{std::move(candidate.key), candidate.width, height, encode(scaled.get(), info.type)});
  }
  return copies;
}

}  // namespace ecom::storage
