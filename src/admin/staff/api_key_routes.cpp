#include "staff/api_key_routes.hpp"

#include "auth/routes.hpp"
#include "pages/form.hpp"

#include <ecom/platform/error.hpp>
#include <ecom/platform/http/json_body.hpp>

#include <boost/json.hpp>

namespace ecom::admin::staff {
namespace {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;

const http::RouteOptions kRead{.execution = http::Execution::blocking, .permission = "api_keys.read"};
const http::RouteOptions kWrite{.execution = http::Execution::blocking, .permission = "api_keys.write"};

json::object key_json(const identity::ApiKey& key) {
  json::array permissions;
  for (const auto& p : key.permissions) {
    permissions.emplace_back(p);
  }
  return {{"id", key.id},
          {"name", key.name},
          {"permissions", std::move(permissions)},
          {"created_at", key.created_at},
          {"last_used_at", key.last_used_at ? json::value(*key.last_used_at) : json::value(nullptr)},
          {"revoked", key.revoked}};
}

std::vector<std::string> permission_list(const json::object& body) {
  const auto* value = body.if_contains("permissions");
  if (value == nullptr || !value->is_array()) {
    throw Error::bad_parameter("permissions", "must be an array of permission names");
  }
  std::vector<std::string> out;
  for (const auto& p : value->as_array()) {
    if (!p.is_string()) {
      throw Error::bad_parameter("permissions", "must be an array of permission names");
    }
    out.emplace_back(p.as_string());
  }
  return out;
}

// A path id that is not a positive integer names no key: 404, like one that does not exist.
std::int64_t key_id(const http::Request& request) {
  if (const auto id = pages::parse_id(request.param("id"))) {
    return *id;
  }
  throw Error(ErrorCode::not_found, "No such API key.");
}

}  // namespace

void add_api_key_routes(http::Router& router, identity::ApiKeyService& keys) {
  router.get(
      "/api/v1/admin/api-keys",
      [&keys](http::Request&) {
        json::array items;
        for (const auto& key : keys.list()) {
          items.push_back(key_json(key));
        }
        return auth::json_answer(200, json::object{{"items", std::move(items)}});
      },
      kRead);

  router.post(
      "/api/v1/admin/api-keys",
      [&keys](http::Request& request) {
        const auto body = http::json_body(request);
        http::allow_only(body, {"name", "permissions"});
        // A key made with a key gets at most that key's permissions: its caller has no role.
        if (request.caller.kind != "staff") {
          throw Error(ErrorCode::forbidden, "API keys are made by staff members, not by other keys.");
        }
        const auto created = keys.create(http::required_string(body, "name"), permission_list(body), request.caller.id,
                                         request.caller.role, request.client_ip);
        auto answer = key_json(created.key);
        answer["secret"] = created.secret;  // shown this once: only its hash is kept
        auto response = auth::json_answer(201, answer);
        response.headers.set("Location", "/api/v1/admin/api-keys/" + std::to_string(created.key.id));
        return response;
      },
      kWrite);

  router.add(
      http::Method::del, "/api/v1/admin/api-keys/{id}",
      [&keys](http::Request& request) {
        keys.revoke(key_id(request), request.client_ip);
        return http::Response::empty(204);
      },
      kWrite);
}

auth::KeyAuthenticator key_authenticator(identity::ApiKeyService& keys) {
  return [&keys](std::string_view secret) -> std::optional<auth::KeyCaller> {
    auto key = keys.authenticate(secret);
    if (!key) {
      return std::nullopt;
    }
    return auth::KeyCaller{key->id, key->name, std::move(key->permissions)};
  };
}

}  // namespace ecom::admin::staff
