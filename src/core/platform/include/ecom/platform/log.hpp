// Structured logs: one JSON object per line on stderr with time, level, message and fields
// (request_id among them). Fields whose names say they hold a secret (password, token, cookie,
// authorization, secret, api_key) are written as "[redacted]", so a careless call cannot leak one.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace ecom::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

[[nodiscard]] std::optional<Level> parse_level(std::string_view s) noexcept;

struct Field {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, double, bool> value;

  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, std::int64_t v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, std::uint64_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
};

void set_level(Level level) noexcept;
[[nodiscard]] Level level() noexcept;
[[nodiscard]] inline bool enabled(Level l) noexcept {
  return static_cast<int>(l) >= static_cast<int>(level());
}

// Where lines go; the default writes to stderr. Tests capture lines through it.
using Sink = std::function<void(std::string_view line)>;
void set_sink(Sink sink);

// Formats one line (no trailing newline); exposed for tests.
[[nodiscard]] std::string format_line(Level level, std::string_view message, std::initializer_list<Field> fields);

void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});
inline void debug(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::debug, m, f);
}
inline void info(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::info, m, f);
}
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::warn, m, f);
}
inline void error(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::error, m, f);
}

}  // namespace ecom::log
