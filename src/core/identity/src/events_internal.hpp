// Publishing the module's events (events.hpp) from inside its own transactions.
#pragma once

#include <cstdint>
#include <string_view>

namespace soci {
class session;
}

namespace ecom::identity::detail {

// Adds the event {"customer_id": customer_id} to the outbox on tx, the open transaction of the change.
void publish(soci::session& tx, std::string_view topic, std::int64_t customer_id);

}  // namespace ecom::identity::detail
