// The identity.* configuration keys (docs/configuration.md): password hashing slots and customer
// session limits, declared once here for every binary that signs anyone in.
#pragma once

#include <ecom/identity/customers.hpp>
#include <ecom/identity/passwords.hpp>
#include <ecom/identity/staff.hpp>
#include <ecom/identity/throttle.hpp>
#include <ecom/platform/config.hpp>

namespace ecom::identity {

void declare_config(config::Schema& schema);
[[nodiscard]] HashingOptions hashing_options_from(const config::Config& config);
[[nodiscard]] SessionLimits customer_sessions_from(const config::Config& config);
[[nodiscard]] ThrottleRules throttle_rules_from(const config::Config& config);

// The staff.* keys, for the admin only: the second factor and the staff session limits.
void declare_staff_config(config::Schema& schema);
[[nodiscard]] StaffOptions staff_options_from(const config::Config& config);

}  // namespace ecom::identity
