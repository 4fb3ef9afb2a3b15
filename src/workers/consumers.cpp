#include "consumers.hpp"

#include <ecom/identity/events.hpp>

namespace ecom::workers {

std::vector<messaging::Subscription> consumers() {
  // One per domain consumer; each module owns its handler and its tables.
  return {identity::account_events_subscription()};
}

}  // namespace ecom::workers
