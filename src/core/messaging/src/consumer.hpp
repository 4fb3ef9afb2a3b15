// The RabbitMQ consumer side of ecom-worker: one connection consuming every subscription's queue
// (manual acks, prefetch), and one publishing connection with confirms for retries and dead letters.
//
// Topology, declared on every (re)connect, all durable:
//   exchange <exchange> (topic) --pattern--> <prefix>.<consumer>
//   <prefix>.<consumer>.retry: failed messages wait their per-message expiration there, then the
//     broker dead-letters them through the default exchange back to <prefix>.<consumer> only (not
//     to the topic exchange, which would hand them to every consumer again)
//   <prefix>.dead-letter: messages that used up max_attempts, with the queue they came from
#pragma once

#include "amqp.hpp"
#include "rows.hpp"

#include <ecom/messaging/options.hpp>
#include <ecom/messaging/subscription.hpp>
#include <ecom/platform/metrics.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace ecom::db {
class Database;
}

namespace ecom::messaging::detail {

struct ConsumerCounters {
  std::atomic<std::uint64_t> handled{0};
  std::atomic<std::uint64_t> duplicates{0};
  std::atomic<std::uint64_t> retried{0};
  std::atomic<std::uint64_t> dead_lettered{0};
  std::shared_ptr<metrics::Registry> metrics;  // may be null

  void count_handled(HandleResult result);
  void count_retried(std::uint64_t n);
  void count_dead_lettered(std::uint64_t n);
};

// Declares the whole topology for these subscriptions on connection.
void declare_topology(AmqpConnection& connection, const MessagingOptions& options,
                      const std::vector<Subscription>& subscriptions);

class AmqpConsumer {
 public:
  AmqpConsumer(db::Database& db, const MessagingOptions& options, const std::vector<Subscription>& subscriptions,
               ConsumerCounters& counters);

  // Connects both connections, declares the topology and starts consuming.
  void connect();
  void disconnect() noexcept;
  [[nodiscard]] bool connected() const noexcept { return consume_ != nullptr; }
  // Waits up to `wait` for one delivery and handles it completely (effect committed, retry or dead
  // letter published and confirmed, then acked). Returns whether a message was handled. Throws
  // AmqpError when a connection failed; the message, unacked, is then redelivered by the broker.
  bool poll_once(std::chrono::milliseconds wait);

 private:
  void handle(const Delivery& delivery);
  void retry_or_dead_letter(const Delivery& delivery, const Subscription& subscription, int attempt,
                            const std::string& error);

  db::Database& db_;
  const MessagingOptions& options_;
  const std::vector<Subscription>& subscriptions_;
  ConsumerCounters& counters_;
  AmqpTarget target_;
  std::map<std::string, const Subscription*, std::less<>> by_tag_;
  std::unique_ptr<AmqpConnection> consume_;
  std::unique_ptr<AmqpConnection> publish_;
};

}  // namespace ecom::messaging::detail
