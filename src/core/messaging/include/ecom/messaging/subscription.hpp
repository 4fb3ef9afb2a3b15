// What a consumer sees: one delivered event, and the handler registered for a topic pattern.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace soci {
class session;
}

namespace ecom::messaging {

struct Message {
  std::string id;
  std::string topic;
  std::string payload;
  std::string created_at;
  std::map<std::string, std::string> headers;
  int attempt = 1;  // 1 for the first delivery to this consumer, then 2, 3, ...
};

// Runs inside the database transaction that also records the message in the consumer's inbox: its
// effect and "processed" commit together. Throwing rolls both back and schedules a retry (after
// max_attempts, the dead-letter queue). A handler must not commit or roll back tx itself.
using Handler = std::function<void(soci::session& tx, const Message& message)>;

struct Subscription {
  std::string consumer;  // unique name: the inbox key and the queue name; [a-z0-9_-]
  std::string pattern;   // AMQP topic pattern: "orders.*", "orders.#", "#"
  Handler handler;
};

// AMQP topic matching: '*' is exactly one word, '#' zero or more words.
[[nodiscard]] bool topic_matches(std::string_view pattern, std::string_view topic);

}  // namespace ecom::messaging
