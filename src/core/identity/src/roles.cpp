// The role table: see roles.hpp. docs/identity.md shows the same table; roles_test checks that the
// two agree, so the page cannot drift from the code.
#include <ecom/identity/roles.hpp>

#include <algorithm>
#include <array>

namespace ecom::identity {
namespace {

using namespace std::string_view_literals;

constexpr std::array kPermissions = {
    "admin.view"sv,      "catalog.read"sv,     "catalog.write"sv,   "inventory.read"sv, "inventory.write"sv,
    "orders.read"sv,     "orders.write"sv,     "payments.refund"sv, "customers.read"sv, "customers.write"sv,
    "promotions.read"sv, "promotions.write"sv, "reports.read"sv,    "staff.read"sv,     "staff.write"sv,
    "api_keys.read"sv,   "api_keys.write"sv,   "audit.read"sv,
};

struct RoleGrants {
  std::string_view role;
  std::vector<std::string_view> permissions;
};

// Analysts read, never change; only owners and administrators see staff, API keys and the audit
// log. Making an owner is an owner's alone, decided by StaffService, not by a permission.
const std::vector<RoleGrants>& table() {
  static const std::vector<RoleGrants> kRoles = {
      {"owner", {kPermissions.begin(), kPermissions.end()}},
      {"administrator", {kPermissions.begin(), kPermissions.end()}},
      {"catalog_manager",
       {"admin.view", "catalog.read", "catalog.write", "inventory.read", "inventory.write", "promotions.read",
        "promotions.write", "reports.read"}},
      {"order_manager",
       {"admin.view", "catalog.read", "inventory.read", "inventory.write", "orders.read", "orders.write",
        "payments.refund", "customers.read"}},
      {"support", {"admin.view", "catalog.read", "orders.read", "customers.read", "customers.write"}},
      {"analyst",
       {"admin.view", "catalog.read", "inventory.read", "orders.read", "customers.read", "promotions.read",
        "reports.read"}},
  };
  return kRoles;
}

const std::array<std::string_view, 6>& role_names() {
  static const std::array<std::string_view, 6> kNames = [] {
    std::array<std::string_view, 6> out{};
    std::transform(table().begin(), table().end(), out.begin(), [](const RoleGrants& r) { return r.role; });
    return out;
  }();
  return kNames;
}

const RoleGrants* find(std::string_view role) {
  const auto& roles = table();
  const auto it = std::find_if(roles.begin(), roles.end(), [&](const RoleGrants& r) { return r.role == role; });
  return it == roles.end() ? nullptr : &*it;
}

}  // namespace

std::span<const std::string_view> all_permissions() {
  return kPermissions;
}

std::span<const std::string_view> all_roles() {
  return role_names();
}

bool is_role(std::string_view role) {
  return find(role) != nullptr;
}

bool is_permission(std::string_view permission) {
  const auto& roles = table();
  return std::any_of(roles.begin(), roles.end(), [&](const RoleGrants& r) {
    return std::find(r.permissions.begin(), r.permissions.end(), permission) != r.permissions.end();
  });
}

bool role_grants(std::string_view role, std::string_view permission) {
  const auto* grants = find(role);
  return grants != nullptr &&
         std::find(grants->permissions.begin(), grants->permissions.end(), permission) != grants->permissions.end();
}

std::vector<std::string> permissions_of(std::string_view role) {
  std::vector<std::string> out;
  if (const auto* grants = find(role)) {
    out.assign(grants->permissions.begin(), grants->permissions.end());
  }
  return out;
}

}  // namespace ecom::identity
