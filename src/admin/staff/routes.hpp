// Staff management over the admin API (docs/identity.md, "Staff"): GET/POST /api/v1/admin/staff,
// GET/PATCH/DELETE /api/v1/admin/staff/{id}. staff.read and staff.write, which only owners and
// administrators hold; the service adds "only an owner touches an owner".
#pragma once

#include <ecom/identity/staff.hpp>
#include <ecom/platform/http/router.hpp>

#include <string>

namespace ecom::admin::staff {

// staff must outlive the router. admin_base_url ("https://admin.example.com", or "" for a relative
// link) starts the invitation links.
void add_routes(http::Router& router, identity::StaffService& staff, std::string admin_base_url);

}  // namespace ecom::admin::staff
