#include "pages/session_pages.hpp"

#include "auth/guard.hpp"
#include "auth/routes.hpp"
#include "pages/form.hpp"
#include "pages/routes.hpp"
#include "pages/view_models.hpp"

#include <ecom/identity/tokens.hpp>
#include <ecom/platform/error.hpp>

#include <boost/json.hpp>

#include <algorithm>

namespace ecom::admin::pages {
namespace {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;

struct Pages {
  Layout layout;
  std::shared_ptr<const web::Templates> templates;
  identity::StaffService& staff;

  [[nodiscard]] http::Response render(const http::Request& request, std::string_view name, json::object model,
                                      int status = 200) const {
    return render_page(*templates, request, name, std::move(model), status);
  }
};
using PagesPtr = std::shared_ptr<const Pages>;

const http::RouteOptions kPublic{.execution = http::Execution::blocking, .permission = std::string(http::kPublicRoute)};
const http::RouteOptions kSignedIn{.execution = http::Execution::blocking, .permission = "admin.view"};

// What the sign-in form shows: what was typed (never the password), the error, and the second
// factor's field or set-up when the account needs them.
struct SignInState {
  std::string email;
  std::string next;
  std::string error;
  bool ask_code = false;
  std::string secret;  // a set-up: the secret and its otpauth:// URI
  std::string uri;
  int status = 200;
};

http::Response sign_in_page(const Pages& p, const http::Request& request, const SignInState& s) {
  auto model = base_model(p.layout, "Sign in", "", Notice{"", s.error, {}});
  model["email"] = s.email;
  model["next"] = s.next;
  model["ask_code"] = s.ask_code || !s.secret.empty();
  model["enrol"] = !s.secret.empty();
  model["totp_secret"] = s.secret;
  model["totp_uri"] = s.uri;
  return p.render(request, "sign_in", model, s.status);
}

http::Response recovery_codes_page(const Pages& p, http::Request& request, const identity::StaffSignIn& session,
                                   const std::string& next) {
  json::array codes;
  for (const auto& c : session.recovery_codes) {
    codes.emplace_back(c);
  }
  request.caller = http::Caller{"staff", session.staff.id, session.staff.email, session.staff.role,
                                identity::csrf_token_for(session.token)};
  auto model = base_model(p.layout, "Recovery codes", "", {});
  model["codes"] = std::move(codes);
  model["next"] = next;
  auto response = p.render(request, "recovery_codes", model);
  response.headers.add("Set-Cookie", auth::new_staff_cookie(session));
  return response;
}

http::Response post_sign_in(const Pages& p, http::Request& request) {
  refuse_cross_site(request);
  const auto form = parse_form(request.body);
  SignInState state{trim(form.value("email")), safe_next(form.value("next")), "", false, "", "", 200};
  const auto code = trim(form.value("totp"));
  try {
    const auto session = p.staff.sign_in(
        {state.email, form.value("password"), code.empty() ? std::nullopt : std::optional(code)}, request.client_ip);
    if (!session.recovery_codes.empty()) {
      return recovery_codes_page(p, request, session, state.next);
    }
    auto response = see_other(state.next);
    response.headers.add("Set-Cookie", auth::new_staff_cookie(session));
    return response;
  } catch (const Error& e) {
    if (!core::is_client_error(e.code())) {
      throw;
    }
    state.error = e.message();
    state.status = core::http_status(e.code());
    if (const auto* members = e.members()) {
      state.ask_code = members->contains("totp_required");
      if (const auto* secret = members->if_contains("totp_secret")) {
        state.secret = std::string(secret->as_string());
        state.uri = std::string(members->at("totp_uri").as_string());
      }
    }
    return sign_in_page(p, request, state);
  }
}

http::Response invitation_page(const Pages& p, const http::Request& request, const std::string& token,
                               const std::string& error, int status) {
  auto model = base_model(p.layout, "Accept the invitation", "", Notice{"", error, {}});
  model["token"] = token;
  return p.render(request, "invitation", model, status);
}

void add_sign_in(http::Router& router, const PagesPtr& pages) {
  router.get(
      "/sign-in",
      [pages](http::Request& request) {
        const auto next = safe_next(request.query_param("next").value_or("/"));
        // Already signed in: on to the page.
        if (const auto cookie = request.cookie(auth::kStaffCookie); cookie && pages->staff.authenticate(*cookie)) {
          return see_other(next);
        }
        return sign_in_page(*pages, request, SignInState{"", next, "", false, "", "", 200});
      },
      kPublic);
  router.post(
      "/sign-in", [pages](http::Request& request) { return post_sign_in(*pages, request); }, kPublic);
  router.post(
      "/sign-out",
      [pages](http::Request& request) {
        if (const auto cookie = request.cookie(auth::kStaffCookie)) {
          pages->staff.sign_out(*cookie);
        }
        auto response = see_other(std::string(auth::kSignInPath));
        response.headers.add("Set-Cookie", auth::ended_staff_cookie());
        return response;
      },
      kSignedIn);
}

void add_invitation(http::Router& router, const PagesPtr& pages) {
  router.get(
      "/invitation",
      [pages](http::Request& request) {
        return invitation_page(*pages, request, request.query_param("token").value_or(""), "", 200);
      },
      kPublic);
  router.post(
      "/invitation",
      [pages](http::Request& request) {
        refuse_cross_site(request);
        const auto form = parse_form(request.body);
        const auto token = form.value("token");
        try {
          const auto member = pages->staff.accept_invitation(token, form.value("password"), request.client_ip);
          return see_other(std::string(auth::kSignInPath) + "?welcome=1");
        } catch (const Error& e) {
          if (!core::is_client_error(e.code())) {
            throw;
          }
          const auto reason = e.details().empty() ? e.message() : e.details()[0].reason;
          return invitation_page(*pages, request, token, "The password " + reason + ".", core::http_status(e.code()));
        }
      },
      kPublic);
}

}  // namespace

std::string safe_next(std::string_view next) {
  const bool local = next.size() > 0 && next.size() <= 2000 && next[0] == '/' &&
                     (next.size() == 1 || (next[1] != '/' && next[1] != '\\'));
  const bool clean = std::none_of(
      next.begin(), next.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '\\'; });
  return local && clean ? std::string(next) : std::string("/");
}

void add_session_routes(http::Router& router, const std::shared_ptr<const http::StaticFiles>& files,
                        std::shared_ptr<const web::Templates> templates, identity::StaffService& staff) {
  auto pages = std::make_shared<const Pages>(
      Pages{Layout{files->asset_url("admin/app.css"), files->asset_url("admin/app.js")}, std::move(templates), staff});
  router.get(
      "/",
      [pages](http::Request& request) {
        return pages->render(request, "home", base_model(pages->layout, "Admin portal", "", {}));
      },
      kSignedIn);
  add_sign_in(router, pages);
  add_invitation(router, pages);
}

}  // namespace ecom::admin::pages
