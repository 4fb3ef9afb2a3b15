#include <ecom/platform/time.hpp>

#include <fmt/format.h>

namespace ecom::time {

std::string iso8601(std::chrono::system_clock::time_point t, Fraction fraction) {
  using namespace std::chrono;
  const auto us = floor<microseconds>(t);
  const auto day = floor<days>(us);
  const year_month_day ymd{day};
  const hh_mm_ss hms{us - day};
  const auto sub = hms.subseconds().count();
  const bool micro = fraction == Fraction::microseconds;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:0{}}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count(), micro ? sub : sub / 1000, micro ? 6 : 3);
}

std::string iso8601_from_us(std::int64_t micros) {
  return iso8601(std::chrono::system_clock::time_point(std::chrono::microseconds(micros)), Fraction::microseconds);
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::chrono::seconds seconds_until_us(std::int64_t at_us) {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::microseconds(at_us - now_us()));
}

}  // namespace ecom::time
