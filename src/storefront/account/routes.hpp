// Customer accounts over the JSON API (docs/identity.md#the-json-api): register, sign in with a
// session cookie or for a bearer token, sign out (here or everywhere), and who is signed in.
//
//   POST /api/v1/auth/register           {email, password, name}  -> 202, the same body whether or not the email was
//   free POST /api/v1/auth/login              {email, password}        -> 200 {customer, csrf_token} + the session
//   cookie POST /api/v1/auth/token              {email, password}        -> 200 {access_token, token_type, expires_in}
//   POST /api/v1/auth/logout                                      -> 204, the cookie cleared
//   POST /api/v1/auth/logout-everywhere                           -> 204, every session of the customer ended
//   GET  /api/v1/me                                               -> 200 the customer
//   PATCH /api/v1/me                     {name?}                  -> 200 the customer
//   POST /api/v1/me/password             {current_password, new_password}
//                                                                 -> 200 a new session (every other one ends)
//   GET  /api/v1/me/addresses                                     -> 200 {items: [address]}
//   POST /api/v1/me/addresses            {name, line1, city, country, line2?, postal_code?, region?, phone?} -> 201
//   GET/PATCH/DELETE /api/v1/me/addresses/{id}                    -> 200 / 200 / 204; another customer's id is 404
//   POST /api/v1/auth/password-reset     {email}                  -> 202, the same whether or not an account has it
//   POST /api/v1/auth/password-reset/confirm {token, password}    -> 204, every session ended; 410 for a spent token
//   POST /api/v1/auth/verify             {token}                  -> 204, the email verified; 410 for a spent token
//   POST /api/v1/me/verification                                  -> 202, a new verification link is emailed
//
// A session is presented as the __Host-ecom_session cookie or as Authorization: Bearer. An unsafe
// request authenticated by the cookie must carry the session's CSRF token in X-CSRF-Token (403
// without it); a bearer token needs none, since a browser never sends one by itself.
#pragma once

#include <ecom/identity/addresses.hpp>
#include <ecom/identity/customers.hpp>
#include <ecom/platform/http/router.hpp>

namespace ecom::storefront::account {

// customers and addresses must outlive the router.
void add_routes(http::Router& router, identity::CustomerService& customers, identity::AddressBook& addresses);

}  // namespace ecom::storefront::account
