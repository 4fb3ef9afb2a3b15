#include "consumers.hpp"

namespace ecom::workers {

std::vector<messaging::Subscription> consumers() {
  // No domain module publishes events yet. With no consumers the worker still relays the outbox,
  // so events written now are waiting on the broker for the consumers that come.
  return {};
}

}  // namespace ecom::workers
