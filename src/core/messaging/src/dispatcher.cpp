#include "dispatcher.hpp"

#include "rows.hpp"
#include "sql.hpp"

#include <ecom/db/database.hpp>
#include <ecom/platform/log.hpp>

#include <soci/soci.h>

namespace ecom::messaging::detail {

EmbeddedDispatcher::EmbeddedDispatcher(db::Database& db, const MessagingOptions& options,
                                       const std::vector<Subscription>& subscriptions, ConsumerCounters& counters)
    : db_(db), options_(options), subscriptions_(subscriptions), counters_(counters) {}

std::size_t EmbeddedDispatcher::dispatch_batch() {
  const auto& sql = statements(db_.backend());
  std::vector<OutboxRow> rows;
  db_.read("messaging-dispatch", db::Consistency::strong,
           [&](soci::session& s) { rows = fetch_rows(s, sql.select_due, options_.relay_batch, true); });

  for (const auto& row : rows) {
    const int attempt = row.attempts + 1;
    Message message{row.message_id, row.topic, row.payload, row.created_at, headers_from_json(row.headers), attempt};
    struct Failure {
      const Subscription* subscription;
      std::string error;
    };
    std::vector<Failure> failures;
    for (const auto& subscription : subscriptions_) {
      if (!topic_matches(subscription.pattern, row.topic)) {
        continue;
      }
      try {
        counters_.count_handled(handle_once(db_, subscription, message));
      } catch (...) {
        failures.push_back({&subscription, current_error_text()});
      }
    }

    long long id = row.id;
    if (failures.empty()) {
      db_.transact("messaging-dispatch", [&](soci::session& tx) {
        soci::indicator no_error = soci::i_null;
        std::string error;
        tx << sql.mark_dispatched, soci::use(attempt), soci::use(error, no_error), soci::use(id);
      });
      continue;
    }
    std::string error = failures.front().subscription->consumer + ": " + failures.front().error;
    if (attempt >= options_.max_attempts) {
      db_.transact("messaging-dispatch", [&](soci::session& tx) {
        for (const auto& f : failures) {
          tx << kInsertDeadLetter, soci::use(f.subscription->consumer), soci::use(row.message_id), soci::use(row.topic),
              soci::use(row.payload), soci::use(row.headers), soci::use(attempt), soci::use(f.error);
        }
        std::string note = "dead-lettered: " + error;
        soci::indicator ok = soci::i_ok;
        tx << sql.mark_dispatched, soci::use(attempt), soci::use(note, ok), soci::use(id);
      });
      counters_.count_dead_lettered(failures.size());
      for (const auto& f : failures) {
        log::error("handler failed for the last time; message dead-lettered", {{"consumer", f.subscription->consumer},
                                                                               {"message_id", row.message_id},
                                                                               {"attempt", attempt},
                                                                               {"error", f.error}});
      }
      continue;
    }
    const long long delay_ms = retry_delay(options_, attempt + 1).count();
    db_.transact("messaging-dispatch", [&](soci::session& tx) {
      tx << sql.reschedule, soci::use(attempt), soci::use(delay_ms), soci::use(error), soci::use(id);
    });
    counters_.count_retried(failures.size());
    for (const auto& f : failures) {
      log::warn("handler failed; will retry", {{"consumer", f.subscription->consumer},
                                               {"message_id", row.message_id},
                                               {"attempt", attempt},
                                               {"delay_ms", static_cast<std::int64_t>(delay_ms)},
                                               {"error", f.error}});
    }
  }
  return rows.size();
}

}  // namespace ecom::messaging::detail
