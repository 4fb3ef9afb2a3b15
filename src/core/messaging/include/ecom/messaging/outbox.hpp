// The transactional outbox: a module records the events its change causes in the same database
// transaction as the change itself, so that both commit or neither does. The relay in ecom-worker
// publishes them afterwards (to RabbitMQ, or to in-process handlers in the embedded default).
#pragma once

#include <ecom/messaging/event.hpp>

namespace soci {
class session;
}

namespace ecom::messaging {

class Outbox {
 public:
  // Inserts the event into the outbox on tx, the caller's open transaction (db::Database::transact
  // gives one). Throws core::Error(conflict) when an event with the same id is already there.
  static void add(soci::session& tx, const Event& event);
};

}  // namespace ecom::messaging
