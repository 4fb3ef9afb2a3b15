#include "staff/routes.hpp"

#include "auth/routes.hpp"
#include "pages/form.hpp"

#include <ecom/platform/error.hpp>
#include <ecom/platform/http/json_body.hpp>
#include <ecom/platform/http/query.hpp>

#include <boost/json.hpp>

namespace ecom::admin::staff {
namespace {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;

const http::RouteOptions kRead{.execution = http::Execution::blocking, .permission = "staff.read"};
const http::RouteOptions kWrite{.execution = http::Execution::blocking, .permission = "staff.write"};

// A path id that is not a positive integer names nobody: 404, like one that does not exist.
std::int64_t staff_id(const http::Request& request) {
  if (const auto id = pages::parse_id(request.param("id"))) {
    return *id;
  }
  throw Error(ErrorCode::not_found, "No such staff member.");
}

std::optional<identity::StaffActor> actor(const http::Request& request) {
  return identity::StaffActor{request.caller.kind == "staff" ? request.caller.id : 0, request.caller.role};
}

std::optional<bool> optional_bool(const json::object& body, std::string_view name) {
  const auto* value = body.if_contains(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_bool()) {
    throw Error::bad_parameter(std::string(name), "must be true or false");
  }
  return value->as_bool();
}

}  // namespace

void add_routes(http::Router& router, identity::StaffService& staff, std::string admin_base_url) {
  router.get(
      "/api/v1/admin/staff",
      [&staff](http::Request&) {
        json::array items;
        for (const auto& member : staff.list()) {
          items.push_back(auth::staff_json(member));
        }
        return auth::json_answer(200, json::object{{"items", std::move(items)}});
      },
      kRead);

  router.post(
      "/api/v1/admin/staff",
      [&staff, base = std::move(admin_base_url)](http::Request& request) {
        const auto body = http::json_body(request);
        http::allow_only(body, {"email", "name", "role", "password"});
        const identity::NewStaff input{http::required_string(body, "email"),
                                       http::optional_string(body, "name").value_or(""),
                                       http::required_string(body, "role"), http::optional_string(body, "password")};
        const auto created = staff.create(input, actor(request), request.client_ip);
        json::object answer{{"staff", auth::staff_json(created.staff)}};
        if (created.invitation_token) {
          // Shown this once: the link is the invitation, to be sent to the new member.
          answer["invitation_url"] = base + "/invitation?token=" + http::encode_component(*created.invitation_token);
        }
        auto response = auth::json_answer(201, answer);
        response.headers.set("Location", "/api/v1/admin/staff/" + std::to_string(created.staff.id));
        return response;
      },
      kWrite);

  router.get(
      "/api/v1/admin/staff/{id}",
      [&staff](http::Request& request) {
        return auth::json_answer(200, auth::staff_json(staff.get(staff_id(request))));
      },
      kRead);

  router.add(
      http::Method::patch, "/api/v1/admin/staff/{id}",
      [&staff](http::Request& request) {
        const auto id = staff_id(request);
        const auto body = http::json_body(request);
        http::allow_only(body, {"name", "role", "active"});
        const identity::StaffChange change{http::optional_string(body, "name"), http::optional_string(body, "role"),
                                           optional_bool(body, "active")};
        return auth::json_answer(200, auth::staff_json(staff.update(id, change, actor(request), request.client_ip)));
      },
      kWrite);

  router.add(
      http::Method::del, "/api/v1/admin/staff/{id}",
      [&staff](http::Request& request) {
        staff.remove(staff_id(request), actor(request), request.client_ip);
        return http::Response::empty(204);
      },
      kWrite);
}

}  // namespace ecom::admin::staff
