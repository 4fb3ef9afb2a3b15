// Operator views of the messaging state, for ecomctl outbox.
//
// Dead letters live where each mode puts them: with RabbitMQ, in the durable <prefix>.dead-letter
// queue (counted with queue.declare, moved back to their consumer's queue with basic.get, publish
// and ack); embedded, in the dead_letters table (moved back by making their outbox rows pending).
#pragma once

#include <ecom/messaging/options.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ecom::db {
class Database;
}

namespace ecom::messaging {

struct OutboxStatus {
  std::int64_t pending = 0;       // outbox rows not yet published (dispatched, in embedded mode)
  std::int64_t sent = 0;          // outbox rows published
  std::int64_t dead_letters = 0;  // messages that used up their attempts
};

// Throws core::Error(unavailable) when the database or the broker cannot be reached.
[[nodiscard]] OutboxStatus outbox_status(db::Database& db, const MessagingOptions& options);

// Sends every dead letter back to its consumer with a fresh attempt count; returns how many.
std::int64_t retry_dead_letters(db::Database& db, const MessagingOptions& options);

// Deletes from the broker what workers with these options declared for these consumers: each
// consumer's queue and retry queue, the dead-letter queue and the exchange. For tests and
// benchmarks that run on an exchange and queue prefix of their own; nothing in production calls
// it. Throws core::Error(unavailable) when the broker cannot be reached.
void remove_broker_objects(const MessagingOptions& options, const std::vector<std::string>& consumers);

}  // namespace ecom::messaging
