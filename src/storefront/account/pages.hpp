// The customer's account pages (docs/identity.md#pages): sign up, sign in, forgot and reset the
// password, verify the email, the account overview,
// profile, address book, password change, sign out here and everywhere. Plain HTML forms that work
// without JavaScript: every POST answers 303 after it did its work, or the form again with what was
// typed (never a password) and each error next to its field. A page that needs a session sends a
// signed-out visitor to the sign-in page with a safe local `next`; every POST a cookie
// authenticates carries the session's CSRF token in the form field csrf_token (403 without it).
#pragma once

#include "account/shared.hpp"
#include "pages/view_models.hpp"

#include <ecom/identity/addresses.hpp>
#include <ecom/identity/customers.hpp>
#include <ecom/platform/http/router.hpp>
#include <ecom/web/templates.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace ecom::storefront::account {

inline constexpr std::string_view kAccountPath = "/account";
inline constexpr std::string_view kSignInPath = "/account/sign-in";
inline constexpr std::string_view kForgotPath = "/account/forgot-password";

// customers and addresses must outlive the router.
void add_pages(http::Router& router, pages::Site site, std::shared_ptr<const web::Templates> templates,
               identity::CustomerService& customers, identity::AddressBook& addresses);

// Who the page header shows for a session: the name (the email without one) and the CSRF token of
// its sign-out form.
[[nodiscard]] pages::Visitor visitor_of(const CookieSession& session);

// Where to go after signing in: next when it is a path on this site ("/p/x?variant=2"), else
// /account. Refused: anything not starting with exactly one '/' ("//evil.example", "https://...",
// "/\\evil.example", which browsers read as "//"), control characters, blanks and non-ASCII.
[[nodiscard]] std::string safe_next(std::string_view next);

}  // namespace ecom::storefront::account
