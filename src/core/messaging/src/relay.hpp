// The outbox relay (RabbitMQ mode): claims a batch of unsent rows and publishes them with
// publisher confirms. A row is marked sent only after the broker confirmed it; if the broker fails
// mid-batch the rows stay pending and are published again later (consumers drop the copies
// through their inbox). On PostgreSQL the claim is a transaction held while publishing, with the
// rows locked FOR UPDATE SKIP LOCKED, so several relays never publish one row at the same time.
#pragma once

#include "amqp.hpp"

#include <ecom/messaging/options.hpp>
#include <ecom/messaging/subscription.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

namespace ecom::db {
class Database;
}

namespace ecom::messaging::detail {

struct RelayBatch {
  std::size_t claimed = 0;    // rows taken from the outbox
  std::size_t confirmed = 0;  // rows the broker confirmed and that are now marked sent
};

class Relay {
 public:
  Relay(db::Database& db, const MessagingOptions& options, const std::vector<Subscription>& subscriptions);

  // Connects and declares the exchange, and the queues of this process's subscriptions: on a
  // first deployment the relay may connect before the consumer, and an event published before its
  // queue exists would reach no one.
  [[nodiscard]] std::unique_ptr<AmqpConnection> connect() const;
  // One batch. Throws AmqpError when the broker failed and database errors as they come.
  RelayBatch publish_batch(AmqpConnection& connection);

  static constexpr std::chrono::milliseconds kConfirmTimeout{10'000};

 private:
  db::Database& db_;
  const MessagingOptions& options_;
  const std::vector<Subscription>& subscriptions_;
  AmqpTarget target_;
};

}  // namespace ecom::messaging::detail
