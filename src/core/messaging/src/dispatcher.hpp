// The embedded mode (no broker): ecom-worker polls the outbox and calls the handlers in-process,
// with the broker mode's rules. Each matching handler runs through the inbox (so a row dispatched
// twice, by a crash before it was marked or by two workers on one file, has one effect). A row with
// a failed handler waits its backoff in the outbox (attempts, next_attempt_at) and is dispatched
// again; handlers that succeeded skip it through their inbox. After max_attempts the failing
// consumers' copies go to the dead_letters table and the row is done.
#pragma once

#include "consumer.hpp"

#include <ecom/messaging/options.hpp>
#include <ecom/messaging/subscription.hpp>

#include <cstddef>
#include <vector>

namespace ecom::db {
class Database;
}

namespace ecom::messaging::detail {

class EmbeddedDispatcher {
 public:
  EmbeddedDispatcher(db::Database& db, const MessagingOptions& options, const std::vector<Subscription>& subscriptions,
                     ConsumerCounters& counters);
  // One pass over the due rows (at most relay_batch); returns how many rows it took.
  std::size_t dispatch_batch();

 private:
  db::Database& db_;
  const MessagingOptions& options_;
  const std::vector<Subscription>& subscriptions_;
  ConsumerCounters& counters_;
};

}  // namespace ecom::messaging::detail
