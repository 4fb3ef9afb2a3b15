#include "relay.hpp"

#include "consumer.hpp"
#include "rows.hpp"
#include "sql.hpp"

#include <ecom/db/database.hpp>
#include <ecom/platform/log.hpp>

#include <soci/soci.h>

#include <map>

namespace ecom::messaging::detail {

Relay::Relay(db::Database& db, const MessagingOptions& options, const std::vector<Subscription>& subscriptions)
    : db_(db),
      options_(options),
      subscriptions_(subscriptions),
      target_(parse_amqp_url(options.amqp_url, options.amqp_password)) {}

std::unique_ptr<AmqpConnection> Relay::connect() const {
  auto connection = std::make_unique<AmqpConnection>(
      target_, std::chrono::duration_cast<std::chrono::seconds>(options_.heartbeat), kConfirmTimeout);
  declare_topology(*connection, options_, subscriptions_);
  connection->enable_confirms();
  return connection;
}

namespace {

struct Published {
  std::map<std::uint64_t, std::size_t> row_of_sequence;
  ConfirmOutcome outcome;
};

// Publishes the rows and waits for the broker's confirms. Throws AmqpError.
Published publish_rows(AmqpConnection& connection, const MessagingOptions& options,
                       const std::vector<OutboxRow>& rows) {
  Published p;
  const auto now = unix_seconds_now();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    OutgoingMessage m;
    m.exchange = options.exchange;
    m.routing_key = row.topic;
    m.message_id = row.message_id;
    m.type = row.topic;
    m.body = row.payload;
    m.timestamp = now;
    m.headers = headers_from_json(row.headers);
    m.headers[kCreatedAtHeader] = row.created_at;
    // mandatory: an event no queue is bound for comes back, and we note it on the row.
    p.row_of_sequence.emplace(connection.publish(m, /*mandatory=*/true), i);
  }
  p.outcome = connection.wait_for_confirms(Relay::kConfirmTimeout);
  return p;
}

// Marks confirmed rows sent and nacked ones failed; returns how many were marked sent.
std::size_t mark_rows(soci::session& tx, const Statements& sql, const std::vector<OutboxRow>& rows,
                      const Published& published) {
  std::size_t confirmed = 0;
  std::string error;
  soci::indicator error_ind = soci::i_null;
  long long id = 0;
  soci::statement mark_sent = (tx.prepare << sql.mark_sent, soci::use(error, error_ind), soci::use(id));
  soci::statement mark_failed = (tx.prepare << kMarkPublishFailed, soci::use(error), soci::use(id));
  for (const auto& [sequence, index] : published.row_of_sequence) {
    const auto& row = rows[index];
    id = row.id;
    if (published.outcome.nacked.contains(sequence)) {
      error = "nacked by the broker";
      mark_failed.execute(true);
      log::warn("outbox row nacked by the broker", {{"message_id", row.message_id}, {"topic", row.topic}});
      continue;
    }
    if (published.outcome.returned_message_ids.contains(row.message_id)) {
      error = "unroutable: no queue is bound for this topic";
      error_ind = soci::i_ok;
    } else {
      error.clear();
      error_ind = soci::i_null;
    }
    mark_sent.execute(true);
    ++confirmed;
  }
  return confirmed;
}

}  // namespace

RelayBatch Relay::publish_batch(AmqpConnection& connection) {
  const auto& sql = statements(db_.backend());
  RelayBatch batch;
  if (db_.backend() == db::Backend::postgresql) {
    // The claimed rows stay locked while they are published, so another relay skips them.
    db_.transact("messaging-relay", [&](soci::session& tx) {
      auto rows = fetch_rows(tx, sql.claim_batch, options_.relay_batch, false);
      batch = RelayBatch{rows.size(), 0};
      if (!rows.empty()) {
        batch.confirmed = mark_rows(tx, sql, rows, publish_rows(connection, options_, rows));
      }
    });
    return batch;
  }
  // SQLite: a transaction holds the whole file's write lock, and the storefront must not wait for
  // the broker. Read, publish, then mark in a short transaction. Two relays on one file may both
  // publish a row; its consumers apply it once through their inbox.
  std::vector<OutboxRow> rows;
  db_.read("messaging-relay", db::Consistency::strong,
           [&](soci::session& s) { rows = fetch_rows(s, sql.claim_batch, options_.relay_batch, false); });
  batch.claimed = rows.size();
  if (rows.empty()) {
    return batch;
  }
  auto published = publish_rows(connection, options_, rows);
  db_.transact("messaging-relay", [&](soci::session& tx) { batch.confirmed = mark_rows(tx, sql, rows, published); });
  return batch;
}

}  // namespace ecom::messaging::detail
