#include "consumer.hpp"

#include "relay.hpp"
#include "rows.hpp"

#include <ecom/platform/log.hpp>

#include <fmt/format.h>

#include <charconv>

namespace ecom::messaging::detail {
namespace {

int attempt_of(const Delivery& d) {
  auto it = d.headers.find(kAttemptHeader);
  int attempt = 1;
  if (it != d.headers.end()) {
    const auto& s = it->second;
    std::from_chars(s.data(), s.data() + s.size(), attempt);
  }
  return std::max(attempt, 1);
}

Message message_of(const Delivery& d, int attempt) {
  Message m;
  m.id = d.message_id;
  m.topic = !d.type.empty() ? d.type : d.routing_key;
  m.payload = d.body;
  m.attempt = attempt;
  for (const auto& [key, value] : d.headers) {
    if (key == kCreatedAtHeader) {
      m.created_at = value;
    } else if (!key.starts_with("x-")) {
      m.headers.emplace(key, value);
    }
  }
  return m;
}

}  // namespace

void ConsumerCounters::count_handled(HandleResult result) {
  bool applied = result == HandleResult::applied;
  (applied ? handled : duplicates).fetch_add(1);
  if (metrics) {
    metrics->increment(applied ? "messaging_handled_total" : "messaging_duplicates_total");
  }
}
void ConsumerCounters::count_retried(std::uint64_t n) {
  retried.fetch_add(n);
  if (metrics) {
    metrics->increment("messaging_retried_total", n);
  }
}
void ConsumerCounters::count_dead_lettered(std::uint64_t n) {
  dead_lettered.fetch_add(n);
  if (metrics) {
    metrics->increment("messaging_dead_lettered_total", n);
  }
}

void declare_topology(AmqpConnection& connection, const MessagingOptions& options,
                      const std::vector<Subscription>& subscriptions) {
  connection.declare_exchange(options.exchange, "topic");
  connection.declare_queue(dead_letter_queue(options));
  for (const auto& s : subscriptions) {
    auto queue = consumer_queue(options, s.consumer);
    connection.declare_queue(queue);
    connection.bind_queue(queue, options.exchange, s.pattern);
    connection.declare_queue(retry_queue(options, s.consumer),
                             QueueArguments{.dead_letter_exchange = "", .dead_letter_routing_key = queue});
  }
}

AmqpConsumer::AmqpConsumer(db::Database& db, const MessagingOptions& options,
                           const std::vector<Subscription>& subscriptions, ConsumerCounters& counters)
    : db_(db),
      options_(options),
      subscriptions_(subscriptions),
      counters_(counters),
      target_(parse_amqp_url(options.amqp_url, options.amqp_password)) {
  for (const auto& s : subscriptions_) {
    by_tag_.emplace(s.consumer, &s);
  }
}

void AmqpConsumer::connect() {
  disconnect();
  auto heartbeat = std::chrono::duration_cast<std::chrono::seconds>(options_.heartbeat);
  auto publish = std::make_unique<AmqpConnection>(target_, heartbeat, Relay::kConfirmTimeout);
  publish->enable_confirms();
  auto consume = std::make_unique<AmqpConnection>(target_, heartbeat, Relay::kConfirmTimeout);
  declare_topology(*consume, options_, subscriptions_);
  consume->set_prefetch(options_.prefetch);
  for (const auto& s : subscriptions_) {
    consume->consume(consumer_queue(options_, s.consumer), s.consumer);
  }
  publish_ = std::move(publish);
  consume_ = std::move(consume);
}

void AmqpConsumer::disconnect() noexcept {
  consume_.reset();
  publish_.reset();
}

bool AmqpConsumer::poll_once(std::chrono::milliseconds wait) {
  auto delivery = consume_->next_delivery(wait);
  // The publishing connection is quiet until a handler fails: keep its heartbeats going.
  publish_->idle(std::chrono::milliseconds(0));
  if (!delivery) {
    return false;
  }
  handle(*delivery);
  return true;
}

void AmqpConsumer::handle(const Delivery& delivery) {
  auto it = by_tag_.find(delivery.consumer_tag);
  if (it == by_tag_.end()) {
    // Not ours (cannot happen with our own tags): give it back rather than lose it.
    consume_->reject(delivery.delivery_tag, /*requeue=*/true);
    return;
  }
  const Subscription& subscription = *it->second;
  const int attempt = attempt_of(delivery);
  if (delivery.message_id.empty()) {
    // Without an id the inbox cannot tell a redelivery from a new message: never apply it.
    retry_or_dead_letter(delivery, subscription, options_.max_attempts, "message has no message_id");
    return;
  }
  auto message = message_of(delivery, attempt);
  std::string error;
  try {
    counters_.count_handled(handle_once(db_, subscription, message));
  } catch (...) {
    error = current_error_text();
  }
  if (!error.empty()) {
    retry_or_dead_letter(delivery, subscription, attempt, error);
    return;
  }
  consume_->ack(delivery.delivery_tag);
}

void AmqpConsumer::retry_or_dead_letter(const Delivery& delivery, const Subscription& subscription, int attempt,
                                        const std::string& error) {
  OutgoingMessage m;
  m.exchange = "";  // the default exchange: straight to the named queue
  m.message_id = delivery.message_id;
  m.type = !delivery.type.empty() ? delivery.type : delivery.routing_key;
  m.body = delivery.body;
  m.timestamp = delivery.timestamp;
  m.headers = delivery.headers;
  const bool retry = attempt < options_.max_attempts;
  if (retry) {
    auto delay = retry_delay(options_, attempt + 1);
    m.routing_key = retry_queue(options_, subscription.consumer);
    m.expiration = std::to_string(delay.count());
    m.headers[kAttemptHeader] = std::to_string(attempt + 1);
    log::warn("handler failed; will retry", {{"consumer", subscription.consumer},
                                             {"message_id", delivery.message_id},
                                             {"attempt", attempt},
                                             {"delay_ms", static_cast<std::int64_t>(delay.count())},
                                             {"error", error}});
  } else {
    m.routing_key = dead_letter_queue(options_);
    m.headers[kAttemptHeader] = std::to_string(attempt);
    m.headers[kQueueHeader] = consumer_queue(options_, subscription.consumer);
    m.headers[kConsumerHeader] = subscription.consumer;
    m.headers[kErrorHeader] = error;
    log::error("handler failed for the last time; message dead-lettered", {{"consumer", subscription.consumer},
                                                                           {"message_id", delivery.message_id},
                                                                           {"attempt", attempt},
                                                                           {"error", error}});
  }
  // mandatory: if the retry or dead-letter queue was deleted, the message comes back instead of
  // vanishing; we then reconnect (which declares the queues again) and the original, unacked,
  // is redelivered.
  publish_->publish(m, /*mandatory=*/true);
  auto outcome = publish_->wait_for_confirms(Relay::kConfirmTimeout);
  if (!outcome.nacked.empty() || !outcome.returned_message_ids.empty()) {
    throw AmqpError(fmt::format("the broker did not take the {} of message {} (queue {})",
                                retry ? "retry" : "dead letter", delivery.message_id, m.routing_key));
  }
  // Only now: a crash before this line leaves the original unacked, and it comes back.
  consume_->ack(delivery.delivery_tag);
  if (retry) {
    counters_.count_retried(1);
  } else {
    counters_.count_dead_lettered(1);
  }
}

}  // namespace ecom::messaging::detail
