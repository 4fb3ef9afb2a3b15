// Messaging configuration: the messaging.* keys shared by ecom-worker, ecomctl and the servers that
// write to the outbox.
//
// messaging.amqp_url is empty by default: the embedded mode, where ecom-worker polls the outbox and
// calls the handlers in-process. Set it to use RabbitMQ. It is an ordinary key so that a config file
// can name the broker ("amqp://ecom@mq.internal:5672/ecom"); the password comes from the secret
// messaging.amqp_password (ECOM_MESSAGING_AMQP_PASSWORD, environment only), which replaces any
// password in the URL. A URL with a password (ECOM_MESSAGING_AMQP_URL) is accepted for development;
// the URL is never logged with its password.
#pragma once

#include <ecom/platform/config.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace ecom::messaging {

struct MessagingOptions {
  std::string amqp_url;       // empty: embedded (in-process) mode
  std::string amqp_password;  // secret; overrides the URL's password when set
  std::string exchange = "ecom.events";
  std::string queue_prefix = "ecom";  // queues: <prefix>.<consumer>, <prefix>.<consumer>.retry, <prefix>.dead-letter
  std::uint16_t prefetch = 32;
  int max_attempts = 5;                          // handler attempts before a message is dead-lettered
  std::chrono::milliseconds retry_base{1000};    // first retry delay; doubled per attempt
  std::chrono::milliseconds retry_max{300'000};  // cap on one retry delay
  std::size_t relay_batch = 100;
  std::chrono::milliseconds relay_poll{200};  // outbox poll interval when the last batch was not full
  std::chrono::milliseconds heartbeat{30'000};
};

void declare_config(config::Schema& schema);
[[nodiscard]] MessagingOptions options_from(const config::Config& config);

[[nodiscard]] inline bool embedded(const MessagingOptions& options) noexcept {
  return options.amqp_url.empty();
}

// The delay before attempt `next_attempt` (2, 3, ...): retry_base * 2^(next_attempt - 2), capped.
[[nodiscard]] std::chrono::milliseconds retry_delay(const MessagingOptions& options, int next_attempt);

}  // namespace ecom::messaging
