// Staff roles and what each may do (the table in docs/identity.md). A permission is "<area>.<verb>"
// ("catalog.write"); the admin's routes each declare one, and one chokepoint checks it against the
// caller's role (or an API key's own list). Deny by default: a permission no role grants is a
// mistake in the route table, and the admin refuses to start with it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::identity {

// Every permission there is, in a stable order.
[[nodiscard]] std::span<const std::string_view> all_permissions();
// Every role there is, from the most to the least powerful:
// owner, administrator, catalog_manager, order_manager, support, analyst.
[[nodiscard]] std::span<const std::string_view> all_roles();

[[nodiscard]] bool is_role(std::string_view role);
// A permission that some role grants.
[[nodiscard]] bool is_permission(std::string_view permission);
[[nodiscard]] bool role_grants(std::string_view role, std::string_view permission);
[[nodiscard]] std::vector<std::string> permissions_of(std::string_view role);

}  // namespace ecom::identity
