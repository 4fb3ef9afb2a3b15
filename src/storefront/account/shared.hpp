// What the JSON API (account/routes.cpp) and the account pages (account/pages.cpp) share, so that
// each rule is written once: the session cookie, how a new session is handed to a browser, and how a
// path names an address. The CSRF check is identity::require_csrf (<ecom/identity/csrf.hpp>), the
// one check of the storefront and the admin alike.
#pragma once

#include <ecom/identity/customers.hpp>
#include <ecom/platform/http/message.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::storefront::account {

inline constexpr std::string_view kSessionCookie = "__Host-ecom_session";
// A session presented by the cookie, with its token (for sign-out and the CSRF token).
struct CookieSession {
  identity::Customer customer;
  std::string token;
};

// The customer whose live session the request's cookie names; nullopt without the cookie, or for
// an ended or expired session. Blocking: it reads the database.
[[nodiscard]] std::optional<CookieSession> cookie_session(const http::Request& request,
                                                          identity::CustomerService& customers);

// How long a new session lasts (its absolute end from now): the cookie's Max-Age, a bearer token's
// expires_in.
[[nodiscard]] std::chrono::seconds seconds_left(const identity::SignIn& session);

// Set-Cookie values: a new session for a browser, and the cookie dropped (sign-out).
[[nodiscard]] std::string new_session_cookie(const identity::SignIn& session);
[[nodiscard]] std::string ended_session_cookie();

// The {id} of an address route. A path id that is not a positive integer names no address: 404
// (core::Error not_found), exactly like one that does not exist or is another customer's.
[[nodiscard]] std::int64_t address_id(const http::Request& request);

}  // namespace ecom::storefront::account
