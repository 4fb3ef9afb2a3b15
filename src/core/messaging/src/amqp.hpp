// A small C++ face on rabbitmq-c: one connection with one channel, RPC replies turned into
// exceptions, publisher confirms, deliveries copied out of the library's buffers. Every call is
// bounded (connect, handshake and RPC timeouts; a deadline for confirms); any failure throws
// AmqpError and leaves the connection broken: the owner drops it and connects again.
// Only this file and amqp.cpp include the rabbitmq-c headers.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::messaging::detail {

class AmqpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AmqpTarget {
  std::string host;
  int port = 5672;
  std::string user;
  std::string password;
  std::string vhost;
  std::string display;  // amqp://user@host:port/vhost, never the password
};

// Parses an amqp:// URL; a non-empty password_override replaces the URL's password. An empty vhost
// ("amqp://host/") means "/". Throws AmqpError without repeating the URL (it may hold a password).
[[nodiscard]] AmqpTarget parse_amqp_url(const std::string& url, const std::string& password_override);

struct OutgoingMessage {
  std::string exchange;  // "" = the default exchange, routing_key = queue name
  std::string routing_key;
  std::string message_id;
  std::string type;  // the event topic, which survives routing through retry queues
  std::string body;
  std::string expiration;  // per-message TTL in milliseconds, as text; empty = none
  std::int64_t timestamp = 0;
  std::map<std::string, std::string> headers;
};

struct Delivery {
  std::uint64_t delivery_tag = 0;
  std::string consumer_tag;
  std::string routing_key;
  bool redelivered = false;
  std::string message_id;
  std::string type;
  std::string body;
  std::int64_t timestamp = 0;
  std::map<std::string, std::string> headers;  // string-valued headers only (x-death etc. are skipped)
};

struct QueueArguments {
  std::optional<std::string> dead_letter_exchange;
  std::optional<std::string> dead_letter_routing_key;
};

struct ConfirmOutcome {
  std::set<std::uint64_t> nacked;              // publish sequence numbers the broker refused
  std::set<std::string> returned_message_ids;  // mandatory messages no queue took
};

class AmqpConnection {
 public:
  // Connects, logs in and opens channel 1. timeout bounds the TCP connect, the handshake and every
  // RPC. heartbeat 0 disables heartbeats.
  AmqpConnection(const AmqpTarget& target, std::chrono::seconds heartbeat, std::chrono::milliseconds timeout);
  ~AmqpConnection();
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;

  void declare_exchange(const std::string& name, const std::string& type);
  // Declares a durable queue; returns the number of ready messages in it.
  std::uint32_t declare_queue(const std::string& name, const QueueArguments& arguments = {});
  void bind_queue(const std::string& queue, const std::string& exchange, const std::string& pattern);
  void delete_queue(const std::string& name);
  void delete_exchange(const std::string& name);
  void set_prefetch(std::uint16_t count);
  void consume(const std::string& queue, const std::string& consumer_tag);

  // Puts the channel in confirm mode; publish() then returns the message's sequence number.
  void enable_confirms();
  std::uint64_t publish(const OutgoingMessage& message, bool mandatory);
  // Waits until the broker has acked or nacked everything published so far. Throws AmqpError at
  // the deadline.
  ConfirmOutcome wait_for_confirms(std::chrono::milliseconds limit);

  // The next delivery, or nullopt when none arrived within wait.
  std::optional<Delivery> next_delivery(std::chrono::milliseconds wait);
  // basic.get with manual ack; nullopt when the queue is empty.
  std::optional<Delivery> get(const std::string& queue);
  void ack(std::uint64_t delivery_tag);
  void reject(std::uint64_t delivery_tag, bool requeue);

  // Waits up to `wait` for frames on an otherwise quiet connection. rabbitmq-c sends and checks
  // heartbeats only inside its own waits, so a connection that only publishes now and then must
  // call this while idle, or the broker closes it after two missed heartbeats. Throws AmqpError
  // when the broker closed the connection or its heartbeats stopped.
  void idle(std::chrono::milliseconds wait);

  [[nodiscard]] const AmqpTarget& target() const noexcept { return target_; }

 private:
  struct State;
  void check_rpc(std::string_view what);
  [[noreturn]] void fail(const std::string& message);
  void handle_confirm_frame(const void* frame, ConfirmOutcome& outcome);

  AmqpTarget target_;
  std::unique_ptr<State> state_;
  bool broken_ = false;
  std::uint64_t next_sequence_ = 1;
  std::set<std::uint64_t> unconfirmed_;
};

}  // namespace ecom::messaging::detail
