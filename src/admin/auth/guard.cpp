#include "auth/guard.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/identity/csrf.hpp>
#include <ecom/identity/roles.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/query.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <utility>

namespace ecom::admin::auth {
namespace {

using core::Error;
using core::ErrorCode;

bool is_api(const http::Request& request) {
  return request.path.starts_with("/api/");
}

// How the request authenticated: request.caller is set for either.
struct Authentication {
  std::string cookie_token;      // the staff cookie's session token (CSRF applies); "" otherwise
  std::optional<KeyCaller> key;  // the API key, with its permissions
};

Authentication authenticate(http::Request& request, identity::StaffService& staff, const KeyAuthenticator& keys) {
  if (const auto bearer = request.bearer_token()) {
    auto key = keys ? keys(*bearer) : std::nullopt;
    if (!key) {
      throw Error(ErrorCode::unauthorized, "The API key is unknown or revoked.");
    }
    request.caller = http::Caller{"api_key", key->id, key->name, "", ""};
    return Authentication{"", std::move(key)};
  }
  auto cookie = request.cookie(kStaffCookie);
  if (!cookie || cookie->empty()) {
    return {};
  }
  const auto member = staff.authenticate(*cookie);
  if (!member) {
    return {};
  }
  request.caller = http::Caller{"staff", member->id, member->email, member->role, identity::csrf_token_for(*cookie)};
  return Authentication{std::move(*cookie), std::nullopt};
}

http::Response to_sign_in(const http::Request& request) {
  auto response = http::Response::empty(303);
  // Back to the page after signing in; a form's POST goes back to the page that had it, which is
  // unknown here, so to the start page.
  const bool revisit = request.method == http::Method::get && request.target != "/";
  response.headers.set("Location", revisit
                                       ? std::string(kSignInPath) + "?next=" + http::encode_component(request.target)
                                       : std::string(kSignInPath));
  response.headers.set("Cache-Control", "no-store");
  return response;
}

bool allowed(const http::Caller& caller, const std::string& permission, const std::optional<KeyCaller>& key) {
  if (key) {
    return std::find(key->permissions.begin(), key->permissions.end(), permission) != key->permissions.end();
  }
  return identity::role_grants(caller.role, permission);
}

http::Handler guarded(http::Handler inner, std::string permission, identity::StaffService& staff,
                      const KeyAuthenticator& keys, const std::shared_ptr<http::RateLimiter>& key_limiter) {
  return [inner = std::move(inner), permission = std::move(permission), &staff, keys,
          key_limiter](http::Request& request) {
    const auto auth = authenticate(request, staff, keys);
    if (auth.key) {
      if (const auto wait = key_limiter->acquire(std::to_string(auth.key->id))) {
        throw Error(ErrorCode::too_many_requests, "This API key made too many requests; slow down.")
            .with_retry_after(*wait);
      }
    }
    if (request.caller.kind.empty()) {
      if (is_api(request)) {
        throw Error(ErrorCode::unauthorized, "Sign in first: this needs a staff session or an API key.");
      }
      return to_sign_in(request);
    }
    if (!allowed(request.caller, permission, auth.key)) {
      throw Error(ErrorCode::forbidden, fmt::format("Your access does not include {}.", permission));
    }
    if (!auth.cookie_token.empty()) {
      identity::require_csrf(request, auth.cookie_token);
    }
    // Every change the handler makes is recorded by this caller (the handler runs on this thread).
    const audit::Scope scope(audit::Actor{request.caller.kind, request.caller.id, request.caller.name,
                                          request.client_ip, request.request_id});
    return inner(request);
  };
}

}  // namespace

void protect(http::Router& router, identity::StaffService& staff, KeyAuthenticator keys, http::RateLimit key_rate) {
  const auto key_limiter = std::make_shared<http::RateLimiter>(key_rate);
  router.edit_routes([&](http::Route& route) {
    const auto& permission = route.options.permission;
    if (permission == http::kPublicRoute) {
      return;
    }
    if (!identity::is_permission(permission)) {
      throw std::invalid_argument(fmt::format(
          "route {} {} declares {}: every admin route must name a permission that a role grants, or \"public\"",
          http::to_string(route.method), route.pattern,
          permission.empty() ? std::string("no permission") : "the unknown permission \"" + permission + "\""));
    }
    route.handler = guarded(std::move(route.handler), permission, staff, keys, key_limiter);
    // The check reads the database: never on the I/O thread, and never skipped by a fast path.
    route.options.execution = http::Execution::blocking;
    route.fast = {};
  });
}

std::string csrf_token(const http::Request& request) {
  return request.caller.csrf_token;
}

}  // namespace ecom::admin::auth
