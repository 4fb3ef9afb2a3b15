// The smaller copies of uploads (resize.hpp): real PNG, JPEG and WebP files, made here with libgd
// from a picture whose left half is red and right half blue, scaled to each srcset width; each
// copy is measured again by inspect_image and its pixels are looked at.
#include "image_samples.hpp"

#include <ecom/platform/error.hpp>
#include <ecom/storage/image.hpp>
#include <ecom/storage/placeholder.hpp>
#include <ecom/storage/resize.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <gd.h>
#include <memory>
#include <string>

using namespace ecom::storage;

namespace {

struct ImageDeleter {
  void operator()(gdImage* image) const noexcept { gdImageDestroy(image); }
};
using ImagePtr = std::unique_ptr<gdImage, ImageDeleter>;

// width x height, red on the left half, blue on the right, in the given format.
std::string two_halves(ImageType type, int width, int height) {
  const ImagePtr image(gdImageCreateTrueColor(width, height));
  gdImageFilledRectangle(image.get(), 0, 0, width / 2 - 1, height - 1, gdTrueColor(255, 0, 0));
  gdImageFilledRectangle(image.get(), width / 2, 0, width - 1, height - 1, gdTrueColor(0, 0, 255));
  int size = 0;
  void* out = nullptr;
  switch (type) {
    case ImageType::png:
      out = gdImagePngPtr(image.get(), &size);
      break;
    case ImageType::jpeg:
      out = gdImageJpegPtr(image.get(), &size, 95);
      break;
    case ImageType::webp:
      out = gdImageWebpPtrEx(image.get(), &size, 95);
      break;
    case ImageType::gif:
      out = gdImageGifPtr(image.get(), &size);
      break;
  }
  REQUIRE(out != nullptr);
  std::string bytes(static_cast<const char*>(out), static_cast<std::size_t>(size));
  gdFree(out);
  return bytes;
}

struct Rgb8 {
  int r;
  int g;
  int b;
};

Rgb8 pixel_of(const std::string& bytes, ImageType type, int x, int y) {
  void* data = const_cast<char*>(bytes.data());
  const int size = static_cast<int>(bytes.size());
  const ImagePtr image(type == ImageType::png    ? gdImageCreateFromPngPtr(size, data)
                       : type == ImageType::jpeg ? gdImageCreateFromJpegPtr(size, data)
                                                 : gdImageCreateFromWebpPtr(size, data));
  REQUIRE(image != nullptr);
  const int c = gdImageGetTrueColorPixel(image.get(), x, y);
  return {gdTrueColorGetRed(c), gdTrueColorGetGreen(c), gdTrueColorGetBlue(c)};
}

ecom::core::ErrorCode refusal(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const ecom::core::Error& e) {
    CHECK(e.details().at(0).name == "image");
    return e.code();
  }
  FAIL("no core::Error was thrown");
  return ecom::core::ErrorCode::internal;
}

}  // namespace

TEST_CASE("sized_copies: a wide image gets a copy at each srcset width, in its own format", "[storage][resize]") {
  for (const auto type : {ImageType::png, ImageType::jpeg, ImageType::webp}) {
    INFO(mime_type(type));
    const auto bytes = two_halves(type, 1000, 500);
    const auto info = inspect_image(bytes);
    const std::string key = "products/7/abc." + std::string(extension(type));
    const auto copies = sized_copies(key, bytes, info);
    REQUIRE(copies.size() == 2);
    CHECK(copies[0].key == "products/7/abc-400w." + std::string(extension(type)));
    CHECK(copies[1].key == "products/7/abc-800w." + std::string(extension(type)));
    for (const auto& copy : copies) {
      const auto measured = inspect_image(copy.bytes);
      CHECK(measured.type == type);
      CHECK(measured.width == copy.width);
      CHECK(measured.height == copy.height);
      CHECK(copy.height * 2 == copy.width);
      CHECK(copy.bytes.size() < bytes.size() + 1024);
      // Still red on the left and blue on the right (lossy codecs: near, not exact).
      const auto left = pixel_of(copy.bytes, type, 10, static_cast<int>(copy.height / 2));
      const auto right =
          pixel_of(copy.bytes, type, static_cast<int>(copy.width) - 10, static_cast<int>(copy.height / 2));
      CHECK(left.r > 200);
      CHECK(left.b < 60);
      CHECK(right.b > 200);
      CHECK(right.r < 60);
    }
  }
}

TEST_CASE("sized_copies: a JPEG's EXIF orientation is applied, so the copies show upright", "[storage][resize]") {
  // Stored 1000 x 500, red left and blue right. Shown turned a quarter clockwise (6), the red half
  // is on top; anticlockwise (8), at the bottom; upside down (3), on the right.
  struct Case {
    std::uint32_t orientation;
    std::int64_t width;
    std::int64_t height;
    bool red_first;  // red at the top (turned) or on the left (not turned)
  };
  for (const auto& c : {Case{6, 500, 1000, true}, Case{8, 500, 1000, false}, Case{3, 1000, 500, false}}) {
    INFO("orientation " << c.orientation);
    const auto bytes =
        ecom::storage::test::with_exif_orientation(two_halves(ImageType::jpeg, 1000, 500), c.orientation, false);
    const auto info = inspect_image(bytes);
    REQUIRE(info.orientation == static_cast<int>(c.orientation));
    REQUIRE(info.width == c.width);
    REQUIRE(info.height == c.height);
    const auto copies = sized_copies("products/1/o.jpg", bytes, info);
    REQUIRE(copies.size() == (c.width > 800 ? 2U : 1U));
    const auto& copy = copies[0];
    CHECK(copy.width == 400);
    CHECK(copy.height == 400 * c.height / c.width);
    const auto measured = inspect_image(copy.bytes);
    CHECK(measured.orientation == 1);  // the copy stores its pixels upright
    CHECK(measured.width == copy.width);
    CHECK(measured.height == copy.height);
    const bool turned = c.orientation >= 5;
    const auto first = turned ? pixel_of(copy.bytes, ImageType::jpeg, 200, 10)
                              : pixel_of(copy.bytes, ImageType::jpeg, 10, static_cast<int>(copy.height / 2));
    const auto last = turned ? pixel_of(copy.bytes, ImageType::jpeg, 200, static_cast<int>(copy.height) - 10)
                             : pixel_of(copy.bytes, ImageType::jpeg, 390, static_cast<int>(copy.height / 2));
    CHECK((first.r > 200) == c.red_first);
    CHECK((last.r > 200) == !c.red_first);
    CHECK((first.b > 200) == !c.red_first);
  }
}

TEST_CASE("sized_copies: only the widths below the image's own", "[storage][resize]") {
  const auto mid = placeholder_png(600, 300, Rgb{1, 2, 3}, Rgb{4, 5, 6});
  const auto copies = sized_copies("products/1/m.png", mid, inspect_image(mid));
  REQUIRE(copies.size() == 1);
  CHECK(copies[0].width == 400);
  CHECK(copies[0].height == 200);
  // An image 400 pixels wide or less is its own smallest size.
  const auto small = placeholder_png(400, 900, Rgb{1, 2, 3}, Rgb{4, 5, 6});
  CHECK(sized_copies("products/1/s.png", small, inspect_image(small)).empty());
  // A very tall, narrow image keeps at least one pixel of height.
  const auto strip = placeholder_png(4000, 1, Rgb{1, 2, 3}, Rgb{4, 5, 6});
  const auto strips = sized_copies("products/1/t.png", strip, inspect_image(strip));
  REQUIRE(strips.size() == 2);
  CHECK(strips[0].height == 1);
  CHECK(inspect_image(strips[0].bytes).height == 1);
}

TEST_CASE("sized_copies: GIFs and huge images keep their one size", "[storage][resize]") {
  const auto gif = two_halves(ImageType::gif, 1000, 500);
  CHECK(sized_copies("products/1/g.gif", gif, inspect_image(gif)).empty());
  // Not decoded at all: the info alone says it is over the limit.
  const auto png = placeholder_png(1000, 500, Rgb{1, 2, 3}, Rgb{4, 5, 6});
  CHECK(sized_copies("products/1/h.png", png, ImageInfo{ImageType::png, 8000, 8000}).empty());
}

TEST_CASE("sized_copies: valid headers over corrupt data are refused as unprocessable", "[storage][resize]") {
  const auto scramble = [](std::string bytes) {
    // Keep the headers, scramble the middle of the data.
    for (std::size_t i = bytes.size() / 3; i < bytes.size() * 2 / 3; ++i) {
      bytes[i] = static_cast<char>(0xA5U ^ (i & 0xFFU));
    }
    return bytes;
  };
  // PNG data carries CRCs: libpng notices.
  const auto png = two_halves(ImageType::png, 1000, 500);
  const auto png_info = inspect_image(png);
  CHECK(refusal([&] { (void)sized_copies("products/1/c.png", scramble(png), png_info); }) ==
        ecom::core::ErrorCode::unprocessable);
  // A JPEG or WebP decoder may make a picture of a scrambled stream; what it must not do is crash
  // or hand back a copy of another size.
  for (const auto type : {ImageType::jpeg, ImageType::webp}) {
    INFO(mime_type(type));
    const auto bytes = two_halves(type, 1000, 500);
    const auto info = inspect_image(bytes);
    try {
      for (const auto& copy : sized_copies("products/1/c." + std::string(extension(type)), scramble(bytes), info)) {
        CHECK(inspect_image(copy.bytes).width == copy.width);
      }
    } catch (const ecom::core::Error& e) {
      CHECK(e.code() == ecom::core::ErrorCode::unprocessable);
    }
  }
  // The header says 1000 x 500; the data is a 3 x 2 image: not the image that was measured.
  const auto tiny = placeholder_png(3, 2, Rgb{1, 2, 3}, Rgb{4, 5, 6});
  CHECK(refusal([&] {
          (void)sized_copies("products/1/d.png", tiny, ImageInfo{ImageType::png, 1000, 500});
        }) == ecom::core::ErrorCode::unprocessable);
}
