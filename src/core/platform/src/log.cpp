#include <ecom/platform/log.hpp>
#include <ecom/platform/time.hpp>

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <mutex>
#include <unistd.h>

namespace ecom::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::info)};

// One mutex for the sink: it is held while a line is written, so lines from several threads never
// interleave and a test sink needs no locking of its own. A sink must not log.
std::mutex g_sink_mutex;
Sink g_sink;  // empty: stderr

constexpr std::array<std::string_view, 8> kSensitive{"password",      "passwd", "token",   "cookie",
                                                     "authorization", "secret", "api_key", "apikey"};

char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool contains_icase(std::string_view haystack, std::string_view needle) noexcept {
  if (needle.size() > haystack.size()) {
    return false;
  }
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    bool match = true;
    for (std::size_t j = 0; j < needle.size(); ++j) {
      if (to_lower(haystack[i + j]) != needle[j]) {
        match = false;
        break;
      }
    }
    if (match) {
      return true;
    }
  }
  return false;
}

bool is_sensitive(std::string_view key) noexcept {
  for (auto word : kSensitive) {
    if (contains_icase(key, word)) {
      return true;
    }
  }
  return false;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is malformed (overlong forms,
// surrogates and code points above U+10FFFF included), so that every line stays valid JSON text.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) {
      lo = 0xA0;
    } else if (b0 == 0xED) {
      hi = 0x9F;
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) {
      lo = 0x90;
    } else if (b0 == 0xF4) {
      hi = 0x8F;
    }
  } else {
    return 0;
  }
  if (i + len > s.size()) {
    return 0;
  }
  // Only the second byte has a narrowed range; the rest are plain continuation bytes.
  if (byte(i + 1) < lo || byte(i + 1) > hi) {
    return 0;
  }
  for (std::size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
      return 0;
    }
  }
  return len;
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      const std::size_t len = utf8_sequence_length(s, i);
      if (len == 0) {
        out += "\\ufffd";  // a stray byte becomes U+FFFD instead of breaking the line
        ++i;
      } else {
        out.append(s.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (u < 0x20 || u == 0x7F) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(u));
        } else {
          out.push_back(c);
        }
        break;
    }
    ++i;
  }
  out.push_back('"');
}

std::string_view level_name(Level l) noexcept {
  switch (l) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "info";
}

void append_time(std::string& out) {
  out += ecom::time::iso8601(std::chrono::system_clock::now(), ecom::time::Fraction::milliseconds);
}

void append_value(std::string& out, const Field& field) {
  if (is_sensitive(field.key)) {
    out += "\"[redacted]\"";
    return;
  }
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          append_json_string(out, v);
        } else if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, double>) {
          if (std::isfinite(v)) {
            // fmt's default is the shortest text that reads back as the same double.
            out += fmt::format("{}", v);
          } else {
            out += "null";  // JSON has no NaN or infinity
          }
        } else {
          out += fmt::format("{}", v);
        }
      },
      field.value);
}

void write_stderr(std::string_view line) {
  std::string buffer;
  buffer.reserve(line.size() + 1);
  buffer.append(line);
  buffer.push_back('\n');
  const char* data = buffer.data();
  std::size_t left = buffer.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, data, left);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;  // nowhere left to report a failing stderr
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

std::optional<Level> parse_level(std::string_view s) noexcept {
  std::array<char, 8> buf{};
  if (s.size() > buf.size()) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    buf[i] = to_lower(s[i]);
  }
  const std::string_view name(buf.data(), s.size());
  if (name == "debug") {
    return Level::debug;
  }
  if (name == "info") {
    return Level::info;
  }
  if (name == "warn" || name == "warning") {
    return Level::warn;
  }
  if (name == "error") {
    return Level::error;
  }
  return std::nullopt;
}

void set_level(Level l) noexcept {
  g_level.store(static_cast<int>(l), std::memory_order_relaxed);
}

Level level() noexcept {
  return static_cast<Level>(g_level.load(std::memory_order_relaxed));
}

void set_sink(Sink sink) {
  std::lock_guard lock(g_sink_mutex);
  g_sink = std::move(sink);
}

std::string format_line(Level l, std::string_view message, std::initializer_list<Field> fields) {
  std::string out;
  out.reserve(96 + message.size() + fields.size() * 32);
  out += "{\"time\":\"";
  append_time(out);
  out += "\",\"level\":\"";
  out += level_name(l);
  out += "\",\"msg\":";
  append_json_string(out, message);
  for (const auto& field : fields) {
    out.push_back(',');
    // A field named like a fixed member would give the object a duplicate key, which parsers
    // resolve differently; keep both under distinct names.
    if (field.key == "time" || field.key == "level" || field.key == "msg") {
      append_json_string(out, "field_" + std::string(field.key));
    } else {
      append_json_string(out, field.key);
    }
    out.push_back(':');
    append_value(out, field);
  }
  out.push_back('}');
  return out;
}

void write(Level l, std::string_view message, std::initializer_list<Field> fields) {
  if (!enabled(l)) {
    return;
  }
  const std::string line = format_line(l, message, fields);
  std::lock_guard lock(g_sink_mutex);
  if (g_sink) {
    g_sink(line);
  } else {
    write_stderr(line);
  }
}

}  // namespace ecom::log
