#include <ecom/messaging/event.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/time.hpp>

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include <array>
#include <chrono>
#include <random>

namespace ecom::messaging {
namespace {

bool valid_topic(std::string_view topic) {
  if (topic.empty() || topic.size() > 255 || topic.front() == '.' || topic.back() == '.') {
    return false;
  }
  char previous = '\0';
  for (char c : topic) {
    bool word_char = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!word_char && !(c == '.' && previous != '.')) {
      return false;
    }
    previous = c;
  }
  return true;
}

}  // namespace

std::string now_iso8601() {
  return ecom::time::iso8601(std::chrono::system_clock::now(), ecom::time::Fraction::milliseconds);
}

std::string new_message_id() {
  // One generator per thread, seeded from the OS: ids must not repeat across processes either.
  thread_local std::mt19937_64 generator = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  std::array<unsigned char, 16> bytes{};
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    auto word = generator();
    for (std::size_t j = 0; j < 8; ++j) {
      bytes[i + j] = static_cast<unsigned char>(word >> (8 * j));
    }
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0fU) | 0x40U);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3fU) | 0x80U);  // RFC 4122 variant
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      text.push_back('-');
    }
    text += fmt::format("{:02x}", bytes[i]);
  }
  return text;
}

Event make_event(std::string topic, std::string payload, std::map<std::string, std::string> headers) {
  if (!valid_topic(topic)) {
    throw core::Error::bad_parameter("topic", "expected dot-separated words of [a-z0-9_-]");
  }
  boost::system::error_code ec;
  boost::json::parse(payload, ec);
  if (ec) {
    throw core::Error::bad_parameter("payload", "expected JSON text");
  }
  return Event{new_message_id(), std::move(topic), std::move(payload), now_iso8601(), std::move(headers)};
}

}  // namespace ecom::messaging
