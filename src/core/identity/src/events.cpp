#include "events_internal.hpp"

#include <ecom/identity/events.hpp>
#include <ecom/messaging/event.hpp>
#include <ecom/messaging/outbox.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/time.hpp>

#include <boost/json.hpp>
#include <soci/soci.h>

#include <chrono>
#include <string>

namespace ecom::identity {
namespace {

constexpr const char* kRecord =
    "INSERT INTO customer_account_events (event_id, customer_id, topic, occurred_at, recorded_at) "
    "VALUES (:event_id, :customer_id, :topic, :occurred_at, :recorded_at)";
constexpr const char* kSeen = "SELECT COUNT(*) FROM customer_account_events WHERE event_id = :event_id";

}  // namespace

namespace detail {

void publish(soci::session& tx, std::string_view topic, std::int64_t customer_id) {
  const boost::json::object payload{{"customer_id", customer_id}};
  messaging::Outbox::add(tx, messaging::make_event(std::string(topic), boost::json::serialize(payload)));
}

}  // namespace detail

messaging::Subscription account_events_subscription() {
  return {"identity-account-events", "identity.#", [](soci::session& tx, const messaging::Message& message) {
            boost::system::error_code ec;
            const auto payload = boost::json::parse(message.payload, ec);
            const auto* id = !ec && payload.is_object() ? payload.as_object().if_contains("customer_id") : nullptr;
            if (id == nullptr || !id->is_int64()) {
              // Retrying cannot mend it: dead-lettered after the attempts, for a person to look at.
              throw core::Error(core::ErrorCode::bad_request, "an identity event without a customer_id")
                  .with_log_text("identity event " + message.id + " (" + message.topic + ") has no customer_id");
            }
            long long seen = 0;
            tx << kSeen, soci::use(message.id, "event_id"), soci::into(seen);
            if (seen > 0) {
              return;  // the inbox already stops redeliveries; this also stops a replayed outbox row
            }
            const long long customer_id = id->as_int64();
            const long long recorded_at = time::now_us();
            tx << kRecord, soci::use(message.id, "event_id"), soci::use(customer_id, "customer_id"),
                soci::use(message.topic, "topic"), soci::use(message.created_at, "occurred_at"),
                soci::use(recorded_at, "recorded_at");
          }};
}

}  // namespace ecom::identity
