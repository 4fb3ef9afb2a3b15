// The admin's one authorization chokepoint (docs/identity.md, "Roles and permissions"). Every
// route declares a permission; protect() checks the table at start-up and wraps each handler:
// deny by default.
//
//   - A route whose permission is "" or one no role grants stops start-up (std::invalid_argument
//     naming the route): a mistake in the route table never becomes an open route.
//   - "public" routes (sign-in, static files) run as they are.
//   - Every other route needs a caller: a staff session (the __Host-ecom_staff cookie, checked
//     against staff_sessions only, so a customer's cookie or token never works here) whose role
//     grants the permission, or an API key (Authorization: Bearer) that lists it. Without one the
//     API answers 401 and a page redirects to the sign-in page; with too little, 403.
//   - A cookie-authenticated unsafe request must carry the CSRF token (identity/csrf.hpp); a
//     bearer-authenticated one needs none (a browser never sends it by itself).
//
// The handler then finds the caller in request.caller, for the audit log.
#pragma once

#include <ecom/identity/staff.hpp>
#include <ecom/platform/http/rate_limit.hpp>
#include <ecom/platform/http/router.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::admin::auth {

inline constexpr std::string_view kStaffCookie = "__Host-ecom_staff";
inline constexpr std::string_view kSignInPath = "/sign-in";

// An API key, as the guard needs it.
struct KeyCaller {
  std::int64_t id = 0;
  std::string name;
  std::vector<std::string> permissions;
};
// The live key whose secret this is, or nullopt. Blocking.
using KeyAuthenticator = std::function<std::optional<KeyCaller>(std::string_view secret)>;

// Checks every route's permission and wraps every route that is not public, as described above.
// Routes added after it are not protected: call it last, once the table is complete. key_rate
// limits each API key's requests (429 with Retry-After beyond it), beside the per-address limit.
void protect(http::Router& router, identity::StaffService& staff, KeyAuthenticator keys = {},
             http::RateLimit key_rate = {});

// The CSRF token of the request's staff session, for a page's forms; "" when there is none.
[[nodiscard]] std::string csrf_token(const http::Request& request);

}  // namespace ecom::admin::auth
