// The event consumers ecom-worker runs: one Subscription per consumer, each calling a domain
// service. The domain modules arrive with later issues; each adds its consumers here.
#pragma once

#include <ecom/messaging/subscription.hpp>

#include <vector>

namespace ecom::workers {

[[nodiscard]] std::vector<messaging::Subscription> consumers();

}  // namespace ecom::workers
