#include "amqp.hpp"
#include "relay.hpp"
#include "rows.hpp"
#include "sql.hpp"

#include <ecom/db/database.hpp>
#include <ecom/messaging/admin.hpp>
#include <ecom/platform/error.hpp>

#include <fmt/format.h>
#include <soci/soci.h>

#include <string>
#include <utility>

namespace ecom::messaging {
namespace {

// ecomctl prints an error's log text: the broker's own words go there. The message stays what any
// client would be told.
core::Error broker_unavailable(std::string cause) {
  return core::Error(core::ErrorCode::unavailable, "The message broker is unavailable.")
      .with_log_text(std::move(cause));
}

std::unique_ptr<detail::AmqpConnection> connect_admin(const MessagingOptions& options) {
  try {
    auto target = detail::parse_amqp_url(options.amqp_url, options.amqp_password);
    return std::make_unique<detail::AmqpConnection>(target, std::chrono::seconds(0), detail::Relay::kConfirmTimeout);
  } catch (const detail::AmqpError& e) {
    throw broker_unavailable(e.what());
  }
}

}  // namespace

OutboxStatus outbox_status(db::Database& db, const MessagingOptions& options) {
  OutboxStatus status;
  db.read("ecomctl", db::Consistency::strong, [&](soci::session& s) {
    long long pending = 0;
    long long sent = 0;
    s << detail::kCountPending, soci::into(pending);
    s << detail::kCountSent, soci::into(sent);
    status.pending = pending;
    status.sent = sent;
    if (embedded(options)) {
      long long dead = 0;
      s << detail::kCountDeadLetters, soci::into(dead);
      status.dead_letters = dead;
    }
  });
  if (!embedded(options)) {
    auto connection = connect_admin(options);
    try {
      // Declaring is idempotent and creates the queue on a broker that never saw a worker.
      status.dead_letters = connection->declare_queue(detail::dead_letter_queue(options));
    } catch (const detail::AmqpError& e) {
      throw broker_unavailable(e.what());
    }
  }
  return status;
}

std::int64_t retry_dead_letters(db::Database& db, const MessagingOptions& options) {
  if (embedded(options)) {
    std::int64_t moved = 0;
    db.transact("ecomctl", [&](soci::session& tx) {
      long long dead = 0;
      tx << detail::kCountDeadLetters, soci::into(dead);
      tx << detail::kRequeueDeadLetters;
      tx << detail::kDeleteDeadLetters;
      moved = dead;
    });
    return moved;
  }
  auto connection = connect_admin(options);
  std::int64_t moved = 0;
  try {
    connection->enable_confirms();
    const auto queue = detail::dead_letter_queue(options);
    // Bounded by what was there when we started: a message that fails again while we run does not
    // keep this loop going.
    const auto waiting = connection->declare_queue(queue);
    for (std::uint32_t i = 0; i < waiting; ++i) {
      auto letter = connection->get(queue);
      if (!letter) {
        break;
      }
      auto target = letter->headers.find(detail::kQueueHeader);
      if (target == letter->headers.end() || target->second.empty()) {
        // Not one of ours: leave it for a human. Rejected with requeue it goes back to the queue.
        connection->reject(letter->delivery_tag, /*requeue=*/true);
        continue;
      }
      detail::OutgoingMessage m;
      m.exchange = "";
      m.routing_key = target->second;
      m.message_id = letter->message_id;
      m.type = letter->type;
      m.body = letter->body;
      m.timestamp = letter->timestamp;
      m.headers = letter->headers;
      m.headers.erase(detail::kQueueHeader);
      m.headers.erase(detail::kConsumerHeader);
      m.headers.erase(detail::kErrorHeader);
      m.headers[detail::kAttemptHeader] = "1";
      connection->publish(m, /*mandatory=*/true);
      auto outcome = connection->wait_for_confirms(detail::Relay::kConfirmTimeout);
      if (!outcome.nacked.empty() || !outcome.returned_message_ids.empty()) {
        connection->reject(letter->delivery_tag, /*requeue=*/true);
        throw broker_unavailable(
            fmt::format("the broker did not take message {} back to {}", m.message_id, m.routing_key));
      }
      connection->ack(letter->delivery_tag);
      ++moved;
    }
  } catch (const detail::AmqpError& e) {
    throw broker_unavailable(fmt::format("{} (moved {} dead letters before the failure)", e.what(), moved));
  }
  return moved;
}

void remove_broker_objects(const MessagingOptions& options, const std::vector<std::string>& consumers) {
  auto connection = connect_admin(options);
  try {
    for (const auto& consumer : consumers) {
      connection->delete_queue(detail::consumer_queue(options, consumer));
      connection->delete_queue(detail::retry_queue(options, consumer));
    }
    connection->delete_queue(detail::dead_letter_queue(options));
    connection->delete_exchange(options.exchange);
  } catch (const detail::AmqpError& e) {
    throw broker_unavailable(e.what());
  }
}

}  // namespace ecom::messaging
