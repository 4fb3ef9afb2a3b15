#include "auth/routes.hpp"

#include "auth/guard.hpp"

#include <ecom/identity/roles.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/json_body.hpp>
#include <ecom/platform/time.hpp>

#include <boost/json.hpp>

#include <chrono>

namespace ecom::admin::auth {
namespace {

namespace json = boost::json;

json::array strings(const std::vector<std::string>& values) {
  json::array out;
  for (const auto& v : values) {
    out.emplace_back(v);
  }
  return out;
}

http::Response signed_in(const identity::StaffSignIn& session) {
  json::object body{{"staff", staff_json(session.staff)}, {"csrf_token", identity::csrf_token_for(session.token)}};
  if (!session.recovery_codes.empty()) {
    body["recovery_codes"] = strings(session.recovery_codes);  // shown this once
  }
  auto response = json_answer(200, body);
  response.headers.add("Set-Cookie", new_staff_cookie(session));
  return response;
}

const http::RouteOptions kPublic{.execution = http::Execution::blocking, .permission = std::string(http::kPublicRoute)};
// What every signed-in member may do for themselves.
const http::RouteOptions kSelf{.execution = http::Execution::blocking, .permission = "admin.view"};

}  // namespace

http::Response json_answer(int status, const json::value& body) {
  auto response = http::Response::json(status, json::serialize(body));
  response.headers.set("Cache-Control", "no-store");
  return response;
}

json::object staff_json(const identity::StaffMember& member) {
  return {{"id", member.id},
          {"email", member.email},
          {"name", member.name},
          {"role", member.role},
          {"totp_enabled", member.totp_enabled},
          {"active", member.active},
          {"invited", member.invited}};
}

std::string new_staff_cookie(const identity::StaffSignIn& session) {
  return http::session_cookie(kStaffCookie, session.token, time::seconds_until_us(session.expires_at));
}

std::string ended_staff_cookie() {
  return http::session_cookie(kStaffCookie, "", std::chrono::seconds(0));
}

void add_routes(http::Router& router, identity::StaffService& staff) {
  router.post(
      "/api/v1/admin/auth/login",
      [&staff](http::Request& request) {
        const auto body = http::json_body(request);
        http::allow_only(body, {"email", "password", "totp"});
        identity::StaffCredentials credentials{http::required_string(body, "email"),
                                               http::required_string(body, "password"),
                                               http::optional_string(body, "totp")};
        return signed_in(staff.sign_in(credentials, request.client_ip));
      },
      kPublic);

  router.post(
      "/api/v1/admin/auth/logout",
      [&staff](http::Request& request) {
        if (const auto cookie = request.cookie(kStaffCookie)) {
          staff.sign_out(*cookie);
        }
        auto response = http::Response::empty(204);
        response.headers.add("Set-Cookie", ended_staff_cookie());
        return response;
      },
      kSelf);

  router.post(
      "/api/v1/admin/auth/invitation",
      [&staff](http::Request& request) {
        const auto body = http::json_body(request);
        http::allow_only(body, {"token", "password"});
        const auto member = staff.accept_invitation(http::required_string(body, "token"),
                                                    http::required_string(body, "password"), request.client_ip);
        return json_answer(200, {{"staff", staff_json(member)}});
      },
      kPublic);

  router.get(
      "/api/v1/admin/me",
      [&staff](http::Request& request) {
        json::object body{{"kind", request.caller.kind}, {"name", request.caller.name}};
        if (request.caller.kind == "staff") {
          body["staff"] = staff_json(staff.get(request.caller.id));
          body["permissions"] = strings(identity::permissions_of(request.caller.role));
        }
        return json_answer(200, body);
      },
      kSelf);

  router.post(
      "/api/v1/admin/me/totp",
      [&staff](http::Request& request) {
        if (request.caller.kind != "staff") {
          throw core::Error(core::ErrorCode::forbidden, "Only a staff member has a second factor.");
        }
        const auto enrolment = staff.begin_totp(request.caller.id);
        return json_answer(200, {{"secret", enrolment.secret}, {"uri", enrolment.uri}});
      },
      kSelf);

  router.post(
      "/api/v1/admin/me/totp/confirm",
      [&staff](http::Request& request) {
        if (request.caller.kind != "staff") {
          throw core::Error(core::ErrorCode::forbidden, "Only a staff member has a second factor.");
        }
        const auto body = http::json_body(request);
        http::allow_only(body, {"code"});
        const auto codes = staff.confirm_totp(request.caller.id, http::required_string(body, "code"));
        return json_answer(200, {{"recovery_codes", strings(codes)}});
      },
      kSelf);
}

}  // namespace ecom::admin::auth
