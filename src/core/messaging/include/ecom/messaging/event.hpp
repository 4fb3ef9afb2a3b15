// Domain events as they leave a module: what happened (topic), its data (payload, JSON text) and a
// unique id that follows the event through the outbox, the broker and every consumer's inbox, so
// that a redelivered copy is recognised and has no second effect.
#pragma once

#include <map>
#include <string>

namespace ecom::messaging {

struct Event {
  std::string id;                              // UUID v4 text; the AMQP message_id and the inbox key
  std::string topic;                           // routing key, "<module>.<event>": "orders.order_placed"
  std::string payload;                         // JSON text, stored and delivered byte for byte
  std::string created_at;                      // ISO 8601 UTC, "2024-05-01T12:00:00.123Z"
  std::map<std::string, std::string> headers;  // optional metadata (correlation ids, ...)
};

// An event with a fresh id and the current time. Throws core::Error(bad_request) when the topic is
// not dot-separated words of [a-z0-9_-] (it becomes a routing key) or the payload is not JSON.
[[nodiscard]] Event make_event(std::string topic, std::string payload, std::map<std::string, std::string> headers = {});

// A random (version 4) UUID in its 36-character text form.
[[nodiscard]] std::string new_message_id();

// The current time as ISO 8601 UTC with milliseconds: "2024-05-01T12:00:00.123Z".
[[nodiscard]] std::string now_iso8601();

}  // namespace ecom::messaging
