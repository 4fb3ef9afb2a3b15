// The event consumers ecom-worker runs: one Subscription per consumer, each calling a domain
// service. Each domain module that consumes events adds its subscription here (identity: the
// account history, ecom/identity/events.hpp).
#pragma once

#include <ecom/messaging/subscription.hpp>

#include <vector>

namespace ecom::workers {

[[nodiscard]] std::vector<messaging::Subscription> consumers();

}  // namespace ecom::workers
