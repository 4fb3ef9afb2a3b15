// inspect_image: real tiny images of each format are recognised and measured; truncated, corrupt,
// fake, oversized and huge-dimension ones are refused with the promised error code.
#include "image_samples.hpp"

#include <ecom/platform/error.hpp>
#include <ecom/storage/image.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace ecom::storage;
using namespace ecom::storage::test;
using ecom::core::ErrorCode;

namespace {

ErrorCode refusal(const std::string& bytes, const ImageLimits& limits = {}) {
  try {
    (void)inspect_image(bytes, limits);
  } catch (const ecom::core::Error& e) {
    REQUIRE(e.details().size() == 1);
    CHECK(e.details().front().name == "image");
    return e.code();
  }
  FAIL("inspect_image accepted the bytes");
  return ErrorCode::internal;
}

}  // namespace

TEST_CASE("inspect_image: each format is recognised by its signature and measured", "[storage][image]") {
  const auto p = inspect_image(png(7, 5));
  CHECK(p.type == ImageType::png);
  CHECK(p.width == 7);
  CHECK(p.height == 5);

  const auto j = inspect_image(jpeg(17, 9));
  CHECK(j.type == ImageType::jpeg);
  CHECK(j.width == 17);
  CHECK(j.height == 9);

  const auto g = inspect_image(gif_1x1());
  CHECK(g.type == ImageType::gif);
  CHECK(g.width == 1);
  CHECK(g.height == 1);

  const auto l = inspect_image(webp_lossless(300, 200));
  CHECK(l.type == ImageType::webp);
  CHECK(l.width == 300);
  CHECK(l.height == 200);
  const auto y = inspect_image(webp_lossy(640, 480));
  CHECK(y.width == 640);
  CHECK(y.height == 480);
  const auto x = inspect_image(webp_extended(1000, 10));
  CHECK(x.width == 1000);
  CHECK(x.height == 10);

  CHECK(mime_type(ImageType::jpeg) == "image/jpeg");
  CHECK(extension(ImageType::jpeg) == "jpg");
  CHECK(extension(ImageType::webp) == "webp");
}

TEST_CASE("inspect_image: a JPEG's EXIF orientation, with the sizes as a browser shows them", "[storage][image]") {
  for (const bool little : {false, true}) {
    INFO((little ? "II" : "MM"));
    const auto turned = inspect_image(with_exif_orientation(jpeg(17, 9), 6, little));
    CHECK(turned.orientation == 6);
    CHECK(turned.width == 9);
    CHECK(turned.height == 17);
    const auto flipped = inspect_image(with_exif_orientation(jpeg(17, 9), 3, little));
    CHECK(flipped.orientation == 3);
    CHECK(flipped.width == 17);
    CHECK(flipped.height == 9);
  }
  CHECK(inspect_image(jpeg(17, 9)).orientation == 1);
  // Out-of-range values and an entry count far past the segment: upright, never a refusal.
  const auto odd = inspect_image(with_exif_orientation(jpeg(17, 9), 9, false));
  CHECK(odd.orientation == 1);
  CHECK(odd.width == 17);
  const auto claimed = inspect_image(with_exif_orientation(jpeg(17, 9), 6, true, 60000, 0x0100));
  CHECK(claimed.orientation == 1);
  CHECK(claimed.width == 17);
  auto lost = with_exif_orientation(jpeg(17, 9), 6, false);
  lost[2 + 4 + 6 + 2] = '\x7F';  // the TIFF magic 42 broken: no EXIF to read
  CHECK(inspect_image(lost).orientation == 1);
}

TEST_CASE("image types by media type and by stored key", "[storage][image]") {
  for (const auto type : kImageTypes) {
    CHECK(image_type_of_mime(mime_type(type)) == type);
    CHECK(image_type_of_key("products/1/abc." + std::string(extension(type))) == type);
  }
  CHECK(image_type_of_key("seed/boot.jpeg") == ImageType::jpeg);
  CHECK(image_type_of_key("products/1/abc-400w.webp") == ImageType::webp);
  // Only the four: no SVG (it can carry script), no name without an extension, no folder's dot.
  CHECK_FALSE(image_type_of_key("x.svg"));
  CHECK_FALSE(image_type_of_key("x.PNG"));
  CHECK_FALSE(image_type_of_key("products.png/readme"));
  CHECK_FALSE(image_type_of_key("png"));
  CHECK_FALSE(image_type_of_mime("image/svg+xml"));
  CHECK_FALSE(image_type_of_mime("image/jpg"));
  CHECK_FALSE(image_type_of_mime(""));
}

TEST_CASE("inspect_image: a file that only claims to be an image is unsupported media", "[storage][image]") {
  CHECK(refusal("<html><script>alert(1)</script></html>") == ErrorCode::unsupported_media);
  CHECK(refusal("GIF88a not really") == ErrorCode::unsupported_media);
  CHECK(refusal(std::string("RIFF\x10\x00\x00\x00WAVEfmt ", 16)) == ErrorCode::unsupported_media);
  CHECK(refusal("\x89PN") == ErrorCode::unsupported_media);
  CHECK(refusal("") == ErrorCode::unprocessable);
}

TEST_CASE("inspect_image: truncated and corrupt files are unprocessable, at every cut", "[storage][image]") {
  for (const auto& whole : {png(4, 4), jpeg(9, 9), gif_1x1(), webp_lossless(3, 3), webp_lossy(3, 3)}) {
    // Every prefix that keeps the signature must be refused, never read past its end.
    for (std::size_t cut = 12; cut < whole.size(); ++cut) {
      INFO("cut at " << cut << " of " << whole.size());
      const auto code = refusal(whole.substr(0, cut));
      CHECK(code == ErrorCode::unprocessable);
    }
  }
  // A flipped byte inside the PNG's IHDR breaks its CRC.
  auto bad_crc = png(4, 4);
  bad_crc[20] = static_cast<char>(bad_crc[20] ^ 0x01);
  CHECK(refusal(bad_crc) == ErrorCode::unprocessable);
  // A PNG chunk length that points far past the end.
  auto long_chunk = png(4, 4);
  long_chunk[33] = '\x7F';
  CHECK(refusal(long_chunk) == ErrorCode::unprocessable);
  // A JPEG segment length past the end, and one without any frame header.
  auto jpeg_bad = jpeg(8, 8);
  jpeg_bad[4] = '\x7F';
  CHECK(refusal(jpeg_bad) == ErrorCode::unprocessable);
  CHECK(refusal(std::string("\xFF\xD8\xFF\xDA\x00\x02\xFF\xD9", 8)) == ErrorCode::unprocessable);
  // A RIFF size larger than the file; an unknown WebP chunk.
  auto riff_long = webp_lossless(3, 3);
  riff_long[7] = '\x10';
  CHECK(refusal(riff_long) == ErrorCode::unprocessable);
  auto unknown = webp_lossless(3, 3);
  unknown[15] = 'Q';
  CHECK(refusal(unknown) == ErrorCode::unprocessable);
}

TEST_CASE("inspect_image: limits on bytes and on each side", "[storage][image]") {
  ImageLimits small;
  small.max_bytes = 100;
  small.max_pixels = 64;
  CHECK(refusal(std::string(101, 'x'), small) == ErrorCode::payload_too_large);
  // Over the byte limit is refused before the bytes are even looked at.
  CHECK(refusal(png(400, 400) + std::string(200, '\0'), small) == ErrorCode::payload_too_large);
  CHECK_NOTHROW(inspect_image(png(64, 64), ImageLimits{}));

  ImageLimits pixels;
  pixels.max_pixels = 64;
  CHECK(inspect_image(png(64, 2), pixels).width == 64);
  CHECK(refusal(png(65, 2), pixels) == ErrorCode::unprocessable);
  CHECK(refusal(jpeg(2, 65), pixels) == ErrorCode::unprocessable);
  // Huge claimed dimensions in tiny files (decompression bombs) with the default 8000 limit.
  CHECK(refusal(gif_claiming(65535, 65535)) == ErrorCode::unprocessable);
  CHECK(refusal(webp_lossless(16384, 16384)) == ErrorCode::unprocessable);
  CHECK(refusal(webp_extended(1U << 24U, 1)) == ErrorCode::unprocessable);
  CHECK(refusal(jpeg(9000, 8)) == ErrorCode::unprocessable);
  CHECK(refusal(gif_claiming(0, 5)) == ErrorCode::unprocessable);
}

TEST_CASE("placeholder_png: deterministic, and different colours give different files", "[storage][image]") {
  const auto a = placeholder_png(400, 400, Rgb{10, 20, 30}, Rgb{200, 210, 220});
  CHECK(a == placeholder_png(400, 400, Rgb{10, 20, 30}, Rgb{200, 210, 220}));
  CHECK(a != placeholder_png(400, 400, Rgb{11, 20, 30}, Rgb{200, 210, 220}));
  CHECK(a.size() < 20'000);  // one colour per row compresses to almost nothing
  const auto info = inspect_image(a);
  CHECK(info.width == 400);
  CHECK(info.height == 400);
  CHECK_THROWS_AS(placeholder_png(0, 10, Rgb{}, Rgb{}), std::invalid_argument);
}
