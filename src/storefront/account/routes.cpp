#include "account/routes.hpp"

#include "account/shared.hpp"

#include <ecom/identity/csrf.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/json_body.hpp>
#include <ecom/platform/time.hpp>

#include <boost/json.hpp>

#include <array>
#include <span>
#include <string>

namespace ecom::storefront::account {
namespace {

using core::Error;
using core::ErrorCode;
using identity::CustomerService;

// Who made a request, and how: the CSRF rule depends on it.
struct Caller {
  identity::Customer customer;
  std::string token;
  bool by_cookie = false;
};

Error not_signed_in() {
  return Error(ErrorCode::unauthorized, "Sign in first.");
}

// The one check of this API's sessions: a bearer token first (an API client), else the cookie,
// whose unsafe requests must carry the session's CSRF token (identity::require_csrf, the one check).
Caller require_customer(const http::Request& request, CustomerService& customers) {
  if (auto bearer = request.bearer_token()) {
    auto customer = customers.authenticate(*bearer);
    if (!customer) {
      throw not_signed_in();
    }
    return {std::move(*customer), std::move(*bearer), false};
  }
  auto session = cookie_session(request, customers);
  if (!session) {
    throw not_signed_in();
  }
  identity::require_csrf(request, session->token);
  return {std::move(session->customer), std::move(session->token), true};
}

boost::json::object customer_json(const identity::Customer& c) {
  return {{"id", c.id},
          {"email", c.email},
          {"name", c.name},
          {"email_verified", c.email_verified},
          {"created_at", time::iso8601_from_us(c.created_at)}};
}

http::Response json(int status, const boost::json::object& body) {
  auto response = http::Response::json(status, boost::json::serialize(body));
  // Answers about who is signed in are never stored by a cache on the way.
  response.headers.set("Cache-Control", "no-store");
  return response;
}

// A new session handed to a browser: the cookie, and the CSRF token its unsafe requests must send.
http::Response browser_session(const identity::SignIn& session) {
  auto response = json(
      200, {{"customer", customer_json(session.customer)}, {"csrf_token", identity::csrf_token_for(session.token)}});
  response.headers.add("Set-Cookie", new_session_cookie(session));
  return response;
}

// A new session handed to an API client, as a bearer token.
http::Response bearer_session(const identity::SignIn& session) {
  return json(
      200, {{"access_token", session.token}, {"token_type", "Bearer"}, {"expires_in", seconds_left(session).count()}});
}

struct Credentials {
  std::string email;
  std::string password;
};

Credentials credentials(const http::Request& request) {
  const auto body = http::json_body(request);
  http::allow_only(body, {"email", "password"});
  return {http::required_string(body, "email"), http::required_string(body, "password")};
}

http::Response ended(const http::Request& request) {
  auto response = http::Response::empty(204);
  response.headers.set("Cache-Control", "no-store");
  if (request.cookie(kSessionCookie)) {
    response.headers.add("Set-Cookie", ended_session_cookie());
  }
  return response;
}

constexpr std::array<std::string_view, 8> kAddressFields = {"name",        "line1",  "line2",   "city",
                                                            "postal_code", "region", "country", "phone"};

boost::json::object address_json(const identity::Address& a) {
  const auto& f = a.fields;
  return {{"id", a.id},         {"name", f.name},       {"line1", f.line1},
          {"line2", f.line2},   {"city", f.city},       {"postal_code", f.postal_code},
          {"region", f.region}, {"country", f.country}, {"phone", f.phone}};
}

identity::AddressChanges address_changes(const boost::json::object& body) {
  http::allow_only(body, std::span<const std::string_view>(kAddressFields));
  identity::AddressChanges c;
  c.name = http::optional_string(body, "name");
  c.line1 = http::optional_string(body, "line1");
  c.line2 = http::optional_string(body, "line2");
  c.city = http::optional_string(body, "city");
  c.postal_code = http::optional_string(body, "postal_code");
  c.region = http::optional_string(body, "region");
  c.country = http::optional_string(body, "country");
  c.phone = http::optional_string(body, "phone");
  return c;
}

void add_address_routes(http::Router& router, CustomerService& customers, identity::AddressBook& addresses) {
  constexpr std::string_view kList = "/api/v1/me/addresses";
  constexpr std::string_view kOne = "/api/v1/me/addresses/{id}";
  router.get(std::string(kList), [&](http::Request& request) {
    const auto caller = require_customer(request, customers);
    boost::json::array items;
    for (const auto& a : addresses.list(caller.customer.id, request.client_ip)) {
      items.push_back(address_json(a));
    }
    return json(200, {{"items", std::move(items)}});
  });
  router.post(std::string(kList), [&](http::Request& request) {
    const auto caller = require_customer(request, customers);
    const auto c = address_changes(http::json_body(request));
    identity::AddressFields fields{c.name.value_or(""),    c.line1.value_or(""),       c.line2.value_or(""),
                                   c.city.value_or(""),    c.postal_code.value_or(""), c.region.value_or(""),
                                   c.country.value_or(""), c.phone.value_or("")};
    return json(201, address_json(addresses.add(caller.customer.id, fields, request.client_ip)));
  });
  router.get(std::string(kOne), [&](http::Request& request) {
    const auto caller = require_customer(request, customers);
    return json(200, address_json(addresses.get(caller.customer.id, address_id(request), request.client_ip)));
  });
  router.add(http::Method::patch, std::string(kOne), [&](http::Request& request) {
    const auto caller = require_customer(request, customers);
    const auto id = address_id(request);
    const auto changes = address_changes(http::json_body(request));
    return json(200, address_json(addresses.update(caller.customer.id, id, changes, request.client_ip)));
  });
  router.add(http::Method::del, std::string(kOne), [&](http::Request& request) {
    const auto caller = require_customer(request, customers);
    addresses.remove(caller.customer.id, address_id(request), request.client_ip);
    auto response = http::Response::empty(204);
    response.headers.set("Cache-Control", "no-store");
    return response;
  });
}

// The signed-in customer's own data: profile, export, erasure and password.
void add_profile_routes(http::Router& router, CustomerService& customers, identity::AddressBook& addresses) {
  router.get("/api/v1/me", [&customers](http::Request& request) {
    return json(200, customer_json(require_customer(request, customers).customer));
  });

  router.add(http::Method::patch, "/api/v1/me", [&customers](http::Request& request) {
    const auto caller = require_customer(request, customers);
    const auto body = http::json_body(request);
    http::allow_only(body, {"name"});
    auto customer = caller.customer;
    if (const auto name = http::optional_string(body, "name")) {
      customer = customers.rename(caller.customer.id, *name, request.client_ip);
    }
    return json(200, customer_json(customer));
  });

  // Everything the shop holds about the customer (ASVS 8.3.2 / GDPR article 15), never a secret.
  router.get("/api/v1/me/export", [&customers, &addresses](http::Request& request) {
    const auto caller = require_customer(request, customers);
    const auto id = caller.customer.id;
    boost::json::array address_items;
    for (const auto& a : addresses.list(id, request.client_ip)) {
      address_items.push_back(address_json(a));
    }
    const auto history = customers.history(id, request.client_ip);
    boost::json::array sessions;
    for (const auto& s : history.sessions) {
      sessions.push_back({{"created_at", time::iso8601_from_us(s.created_at)},
                          {"last_seen_at", time::iso8601_from_us(s.last_seen_at)},
                          {"expires_at", time::iso8601_from_us(s.expires_at)}});
    }
    boost::json::array events;
    for (const auto& e : history.events) {
      events.push_back({{"topic", e.topic}, {"occurred_at", e.occurred_at}});
    }
    auto response = json(200, {{"customer", customer_json(caller.customer)},
                               {"addresses", std::move(address_items)},
                               {"sessions", std::move(sessions)},
                               {"events", std::move(events)}});
    response.headers.set("Content-Disposition", "attachment; filename=\"account-export.json\"");
    return response;
  });

  // Erasure (GDPR article 17): the password again, then the account and its personal data go.
  router.add(http::Method::del, "/api/v1/me", [&customers](http::Request& request) {
    const auto caller = require_customer(request, customers);
    const auto body = http::json_body(request);
    http::allow_only(body, {"password"});
    customers.erase(caller.customer.id, http::required_string(body, "password"), request.client_ip);
    return ended(request);
  });

  // Every session ends, this one too; the caller gets a new one in the form it signed in with.
  router.post("/api/v1/me/password", [&customers](http::Request& request) {
    const auto caller = require_customer(request, customers);
    const auto body = http::json_body(request);
    http::allow_only(body, {"current_password", "new_password"});
    const auto session = customers.change_password(caller.customer.id, http::required_string(body, "current_password"),
                                                   http::required_string(body, "new_password"), request.client_ip);
    if (!caller.by_cookie) {
      return bearer_session(session);
    }
    return browser_session(session);
  });
}

// Password reset and email verification: public, since the token in the link is the proof.
void add_recovery_routes(http::Router& router, CustomerService& customers) {
  // The same answer, after the same work, whether or not an account has the email.
  router.post("/api/v1/auth/password-reset", [&customers](http::Request& request) {
    const auto body = http::json_body(request);
    http::allow_only(body, {"email"});
    customers.request_password_reset(http::required_string(body, "email"), request.client_ip);
    return json(202, {{"status", "accepted"}});
  });
  router.post("/api/v1/auth/password-reset/confirm", [&customers](http::Request& request) {
    const auto body = http::json_body(request);
    http::allow_only(body, {"token", "password"});
    customers.reset_password(http::required_string(body, "token"), http::required_string(body, "password"),
                             request.client_ip);
    return ended(request);
  });
  router.post("/api/v1/auth/verify", [&customers](http::Request& request) {
    const auto body = http::json_body(request);
    http::allow_only(body, {"token"});
    (void)customers.verify_email(http::required_string(body, "token"), request.client_ip);
    auto response = http::Response::empty(204);
    response.headers.set("Cache-Control", "no-store");
    return response;
  });
  router.post("/api/v1/me/verification", [&customers](http::Request& request) {
    const auto caller = require_customer(request, customers);
    customers.request_verification(caller.customer.id, request.client_ip);
    return json(202, {{"status", "accepted"}});
  });
}

}  // namespace

void add_routes(http::Router& router, CustomerService& customers, identity::AddressBook& addresses) {
  add_address_routes(router, customers, addresses);
  router.post("/api/v1/auth/register", [&customers](http::Request& request) {
    const auto body = http::json_body(request);
    http::allow_only(body, {"email", "password", "name"});
    identity::Registration registration{http::required_string(body, "email"), http::required_string(body, "password"),
                                        http::optional_string(body, "name").value_or("")};
    // Whether the email was free is not said: the answer is the same either way.
    (void)customers.register_customer(registration, request.client_ip);
    return json(202, {{"status", "accepted"}, {"email", identity::normalize_email(registration.email)}});
  });

  router.post("/api/v1/auth/login", [&customers](http::Request& request) {
    const auto [email, password] = credentials(request);
    const auto session = customers.sign_in(email, password, request.client_ip);
    return browser_session(session);
  });

  router.post("/api/v1/auth/token", [&customers](http::Request& request) {
    const auto [email, password] = credentials(request);
    const auto session = customers.sign_in(email, password, request.client_ip);
    return bearer_session(session);
  });

  router.post("/api/v1/auth/logout", [&customers](http::Request& request) {
    const auto caller = require_customer(request, customers);
    customers.sign_out(caller.token);
    return ended(request);
  });

  router.post("/api/v1/auth/logout-everywhere", [&customers](http::Request& request) {
    const auto caller = require_customer(request, customers);
    customers.sign_out_everywhere(caller.customer.id);
    return ended(request);
  });

  add_recovery_routes(router, customers);
  add_profile_routes(router, customers, addresses);
}

}  // namespace ecom::storefront::account
