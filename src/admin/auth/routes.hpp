// The staff's sign-in API (docs/identity.md, "Staff"): POST /api/v1/admin/auth/login
// {email, password, totp?} -> 200 {staff, csrf_token} and the staff cookie; POST
// /api/v1/admin/auth/logout; GET /api/v1/admin/me; the voluntary set-up of a second factor
// (POST /api/v1/admin/me/totp, then /api/v1/admin/me/totp/confirm {code}); and accepting an
// invitation (POST /api/v1/admin/auth/invitation {token, password}).
#pragma once

#include <ecom/identity/staff.hpp>
#include <ecom/platform/http/router.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace ecom::admin::auth {

// staff must outlive the router.
void add_routes(http::Router& router, identity::StaffService& staff);

// A JSON answer of the admin API: never cached (each shows staff, keys or state of the moment).
[[nodiscard]] http::Response json_answer(int status, const boost::json::value& body);

// A staff member as the admin API shows one.
[[nodiscard]] boost::json::object staff_json(const identity::StaffMember& member);

// Set-Cookie values: a new staff session, and the cookie dropped (sign-out).
[[nodiscard]] std::string new_staff_cookie(const identity::StaffSignIn& session);
[[nodiscard]] std::string ended_staff_cookie();

}  // namespace ecom::admin::auth
