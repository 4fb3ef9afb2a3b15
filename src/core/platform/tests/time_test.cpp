#include <ecom/platform/time.hpp>

#include <catch2/catch.hpp>

#include <chrono>

using ecom::time::Fraction;
using ecom::time::iso8601;
using ecom::time::iso8601_from_us;

TEST_CASE("times are written as ISO 8601 in UTC with the asked fraction", "[time]") {
  CHECK(iso8601_from_us(0) == "1970-01-01T00:00:00.000000Z");
  CHECK(iso8601_from_us(1'764'072'000'123'456) == "2025-11-25T12:00:00.123456Z");
  const auto t = std::chrono::system_clock::time_point(std::chrono::microseconds(1'764'072'000'123'456));
  CHECK(iso8601(t, Fraction::milliseconds) == "2025-11-25T12:00:00.123Z");
  CHECK(iso8601(t, Fraction::microseconds) == "2025-11-25T12:00:00.123456Z");
  // Before 1970 the fraction still counts forward from the second.
  CHECK(iso8601_from_us(-1) == "1969-12-31T23:59:59.999999Z");
  // A leap day.
  CHECK(iso8601_from_us(951'782'400'000'000) == "2000-02-29T00:00:00.000000Z");
}
