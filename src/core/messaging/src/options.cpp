#include <ecom/messaging/options.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace ecom::messaging {
namespace {

// Exchange and queue names end up in AMQP frames and in operators' broker views; keep them plain.
bool plain_name(std::string_view name) {
  return !name.empty() && name.size() <= 200 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

}  // namespace

void declare_config(config::Schema& schema) {
  schema
      .string("messaging.amqp_url", "",
              "RabbitMQ URL (amqp://user@host:port/vhost); empty = embedded mode: the worker dispatches "
              "the outbox in-process")
      .secret("messaging.amqp_password", "RabbitMQ password; replaces the password in messaging.amqp_url")
      .string("messaging.exchange", "ecom.events", "durable topic exchange the outbox publishes to")
      .string("messaging.queue_prefix", "ecom",
              "queue names: <prefix>.<consumer>, <prefix>.<consumer>.retry, <prefix>.dead-letter")
      .integer("messaging.prefetch", 32, 1, 65535, "unacknowledged messages a consumer connection may hold")
      .integer("messaging.max_attempts", 5, 1, 100, "handler attempts before a message is dead-lettered")
      .integer("messaging.retry_base_ms", 1000, 1, 3'600'000, "delay before the first retry; doubled per attempt")
      .integer("messaging.retry_max_ms", 300'000, 1, 86'400'000, "longest delay between two attempts")
      .integer("messaging.relay_batch", 100, 1, 10'000, "outbox rows the relay claims and publishes at once")
      .integer("messaging.relay_poll_ms", 200, 1, 60'000,
               "outbox poll interval when there was nothing to publish (also the embedded dispatch interval)")
      .integer("messaging.heartbeat_s", 30, 0, 600, "AMQP heartbeat; a dead broker is noticed within twice this");
}

MessagingOptions options_from(const config::Config& config) {
  MessagingOptions o;
  o.amqp_url = config.string("messaging.amqp_url");
  o.amqp_password = config.string("messaging.amqp_password");
  o.exchange = config.string("messaging.exchange");
  o.queue_prefix = config.string("messaging.queue_prefix");
  for (const auto& [key, value] :
       {std::pair{"messaging.exchange", o.exchange}, {"messaging.queue_prefix", o.queue_prefix}}) {
    if (!plain_name(value)) {
      throw config::ConfigError(
          fmt::format("{}: expected 1 to 200 characters of [A-Za-z0-9._-], got \"{}\"", key, value));
    }
  }
  if (!o.amqp_url.empty() && !o.amqp_url.starts_with("amqp://")) {
    // No URL text in the message: it may hold a password.
    throw config::ConfigError("messaging.amqp_url: expected an amqp:// URL or nothing (amqps is not supported)");
  }
  o.prefetch = static_cast<std::uint16_t>(config.integer("messaging.prefetch"));
  o.max_attempts = static_cast<int>(config.integer("messaging.max_attempts"));
  o.retry_base = std::chrono::milliseconds(config.integer("messaging.retry_base_ms"));
  o.retry_max = std::chrono::milliseconds(config.integer("messaging.retry_max_ms"));
  o.relay_batch = static_cast<std::size_t>(config.integer("messaging.relay_batch"));
  o.relay_poll = std::chrono::milliseconds(config.integer("messaging.relay_poll_ms"));
  o.heartbeat = std::chrono::seconds(config.integer("messaging.heartbeat_s"));
  return o;
}

std::chrono::milliseconds retry_delay(const MessagingOptions& options, int next_attempt) {
  auto delay = options.retry_base;
  for (int i = 2; i < next_attempt && delay < options.retry_max; ++i) {
    delay *= 2;
  }
  return std::min(delay, options.retry_max);
}

}  // namespace ecom::messaging
