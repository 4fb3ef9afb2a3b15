// The event machinery that ecom-worker runs: the outbox relay and the consumers.
//
// With RabbitMQ (messaging.amqp_url set): the relay claims unsent outbox rows (FOR UPDATE SKIP
// LOCKED on PostgreSQL, so several relays never publish one row at the same time), publishes them
// persistent to a durable topic exchange with publisher confirms, and marks them sent only after
// the broker confirmed. Each subscription consumes its durable queue <prefix>.<consumer> with
// manual acks and a prefetch limit. A failed message goes to <prefix>.<consumer>.retry with a
// per-message expiry (exponential backoff) that dead-letters it back to the consumer's queue; after
// max_attempts it goes to the durable <prefix>.dead-letter queue. Both connections reconnect with a
// bounded backoff when the broker restarts.
//
// Embedded (no broker): one loop polls the outbox and calls the same handlers in-process with the
// same rules; failed rows wait their backoff in the outbox; dead letters go to the dead_letters
// table.
//
// Either way delivery is at least once and the effect exactly once: the handler runs in one
// transaction with the insert into inbox(consumer, message_id), and a duplicate id is acked and
// skipped.
#pragma once

#include <ecom/messaging/options.hpp>
#include <ecom/messaging/subscription.hpp>
#include <ecom/platform/metrics.hpp>

#include <memory>
#include <vector>

namespace ecom::db {
class Database;
}

namespace ecom::messaging {

struct WorkerRoles {
  bool relay = true;    // publish the outbox (RabbitMQ mode; the embedded loop always dispatches)
  bool consume = true;  // run the subscriptions
};

class Worker {
 public:
  // Validates the subscriptions (unique consumer names, valid patterns); throws core::Error.
  // metrics may be null.
  Worker(db::Database& db, MessagingOptions options, std::vector<Subscription> subscriptions,
         std::shared_ptr<metrics::Registry> metrics = nullptr, WorkerRoles roles = {});
  ~Worker();  // stop()s
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Starts the threads; returns at once. Connecting to the broker happens in the background.
  void start();
  // Graceful stop: no new messages are taken; the one being handled finishes (messages prefetched
  // but not started stay unacked and the broker redelivers them). Returns when the threads joined.
  void stop();

  // True while every part is connected (RabbitMQ mode) or running (embedded); for /readyz.
  [[nodiscard]] bool healthy() const noexcept;

  struct Stats {
    std::uint64_t published = 0;   // outbox rows confirmed by the broker (or dispatched in-process)
    std::uint64_t handled = 0;     // handler transactions committed
    std::uint64_t duplicates = 0;  // deliveries skipped because the inbox had the id
    std::uint64_t retried = 0;     // failed attempts scheduled for a retry
    std::uint64_t dead_lettered = 0;
    std::uint64_t reconnects = 0;
  };
  [[nodiscard]] Stats stats() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecom::messaging
