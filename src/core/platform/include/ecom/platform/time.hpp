// Timestamps: the clock every table's integer microseconds come from, and as text the one formatter of ISO 8601 / RFC
// 3339 times (UTC, "Z") for the log, the APIs' JSON and the messages' headers, so every place writes a time the same
// way.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ecom::time {

// How many digits of the second's fraction: 3 (the log, events) or 6 (the catalog's timestamps,
// which are integer microseconds).
enum class Fraction { milliseconds, microseconds };

// "2026-11-25T12:00:00.123Z" or "2026-11-25T12:00:00.123456Z"; the time is truncated (floor) to the
// fraction, also before 1970.
[[nodiscard]] std::string iso8601(std::chrono::system_clock::time_point t, Fraction fraction);
// The same for integer microseconds since the Unix epoch (UTC), with six digits.
[[nodiscard]] std::string iso8601_from_us(std::int64_t micros);

// Now, as integer microseconds since the Unix epoch (UTC): how the tables store their times.
[[nodiscard]] std::int64_t now_us();
// Whole seconds from now until at_us (microseconds since the epoch), truncated; negative when past.
[[nodiscard]] std::chrono::seconds seconds_until_us(std::int64_t at_us);

}  // namespace ecom::time
