#include "account/pages.hpp"

#include "account/shared.hpp"

#include <ecom/identity/csrf.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/query.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace ecom::storefront::account {
namespace {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;

struct Context {
  pages::Site site;
  std::shared_ptr<const web::Templates> templates;
  identity::CustomerService& customers;
  identity::AddressBook& addresses;
};

using MaybeSession = std::optional<CookieSession>;

// One input of a form. The name is the field's name in the form and in the service's errors
// (core::Error::invalid_field), so an error finds its field by name.
struct FieldSpec {
  std::string_view name;
  std::string_view label;
  std::string_view type;
  std::string_view autocomplete;
  bool required;
};
using Fields = std::span<const FieldSpec>;

constexpr std::array kSignUpFields = {
    FieldSpec{"name", "Your name (optional)", "text", "name", false},
    FieldSpec{"email", "Email address", "email", "email", true},
    FieldSpec{"password", "Password (at least 8 characters)", "password", "new-password", true}};
constexpr std::array kSignInFields = {FieldSpec{"email", "Email address", "email", "username", true},
                                      FieldSpec{"password", "Password", "password", "current-password", true}};
constexpr std::array kForgotFields = {FieldSpec{"email", "Email address", "email", "email", true}};
constexpr std::array kResetFields = {
    FieldSpec{"password", "New password (at least 8 characters)", "password", "new-password", true}};
constexpr std::array<FieldSpec, 0> kNoFields = {};
constexpr std::array kProfileFields = {FieldSpec{"name", "Your name", "text", "name", false}};
constexpr std::array kPasswordFields = {
    FieldSpec{"current_password", "Current password", "password", "current-password", true},
    FieldSpec{"new_password", "New password (at least 8 characters)", "password", "new-password", true}};
constexpr std::array kAddressFields = {
    FieldSpec{"name", "Full name", "text", "name", true},
    FieldSpec{"line1", "Street and number", "text", "address-line1", true},
    FieldSpec{"line2", "Address line 2 (optional)", "text", "address-line2", false},
    FieldSpec{"city", "City", "text", "address-level2", true},
    FieldSpec{"postal_code", "Postal code (optional)", "text", "postal-code", false},
    FieldSpec{"region", "Region (optional)", "text", "address-level1", false},
    FieldSpec{"country", "Country code (two letters, such as DE)", "text", "country", true},
    FieldSpec{"phone", "Phone (optional)", "tel", "tel", false}};

// ---- answers ---------------------------------------------------------------------------------

pages::Visitor visitor(const CookieSession& session) {
  const auto& c = session.customer;
  return pages::Visitor{c.name.empty() ? c.email : c.name, identity::csrf_token_for(session.token)};
}

std::optional<pages::Visitor> visitor(const MaybeSession& session) {
  return session ? std::optional(visitor(*session)) : std::nullopt;
}

// Account pages hold personal data: never stored by any cache.
http::Response render(const Context& ctx, std::string_view name, json::object model, const MaybeSession& session,
                      int status = 200) {
  json::value value = std::move(model);
  pages::add_visitor(value, visitor(session));
  auto response = http::Response::html(status, ctx.templates->render(name, value));
  response.headers.set("Cache-Control", "no-store");
  return response;
}

// Redirect after POST (or to the sign-in page): the browser GETs the new address.
http::Response see_other(std::string location) {
  auto response = http::Response::empty(303);
  response.headers.set("Location", std::move(location));
  response.headers.set("Cache-Control", "no-store");
  return response;
}

http::Response to_sign_in(const http::Request& request) {
  // A GET comes back where it was; a form sent without a session goes to the account overview.
  if (identity::is_unsafe(request.method) || !request.target.starts_with('/')) {
    return see_other(std::string(kSignInPath));
  }
  return see_other(std::string(kSignInPath) + "?" + http::build_query({{"next", safe_next(request.target)}}));
}

// A client's mistake or refusal as a page in the shop's layout; anything else (a database outage)
// goes on to the dispatcher's one error mapping. Called only while e is being handled.
http::Response error_page(const Context& ctx, const Error& e, const MaybeSession& session) {
  if (!core::is_client_error(e.code())) {
    throw;  // the error being handled, as thrown
  }
  const auto shown =
      e.code() == ErrorCode::forbidden
          ? Error(ErrorCode::forbidden,
                  "This form did not come from this shop's own page, or it has expired. Go back, reload the page "
                  "and send it again.")
          : e;
  json::value model = pages::error_model(ctx.site, shown);
  auto response = render(ctx, "error", std::move(model.as_object()), session, core::http_status(e.code()));
  if (e.retry_after()) {
    response.headers.set("Retry-After", std::to_string(e.retry_after()->count()));
  }
  return response;
}

// ---- forms -----------------------------------------------------------------------------------

// The body of a plain HTML form, parsed by the platform (Boost.URL): only the form's own fields,
// the CSRF token and next. 415 for another body, 400 naming a field that is unknown or repeated.
http::Params read_form(const http::Request& request, Fields fields, std::string_view hidden = "next") {
  if (request.media_type() != "application/x-www-form-urlencoded") {
    throw Error(ErrorCode::unsupported_media, "Send the form as application/x-www-form-urlencoded.");
  }
  auto params = http::Params::parse(request.body);
  std::vector<std::string_view> allowed{identity::kCsrfField, hidden};
  std::transform(fields.begin(), fields.end(), std::back_inserter(allowed), [](const auto& f) { return f.name; });
  params.allow_only(allowed);
  return params;
}

using ValueOf = std::function<std::string(std::string_view)>;

// The fields with their values (a password is never shown back) and no errors yet.
json::array field_models(Fields fields, const ValueOf& value_of) {
  json::array out;
  for (const auto& f : fields) {
    const bool secret = f.type == "password";
    out.push_back(json::object{{"name", f.name},
                               {"label", f.label},
                               {"type", f.type},
                               {"autocomplete", f.autocomplete},
                               {"required", f.required},
                               {"value", secret ? std::string() : value_of(f.name)},
                               {"error", ""}});
  }
  return out;
}

ValueOf typed(const http::Params& form) {
  return [&form](std::string_view name) { return form.value(name); };
}

// A form page's model. csrf: the session's token, for a form a cookie authenticates.
json::object form_model(const Context& ctx, const std::string& heading, std::string_view action,
                        std::string_view button, json::array fields, const MaybeSession& session) {
  auto m = pages::private_layout(ctx.site, heading);
  m["heading"] = heading;
  m["action"] = action;
  m["button"] = button;
  m["fields"] = std::move(fields);
  m["csrf_token"] = session ? identity::csrf_token_for(session->token) : std::string();
  return m;
}

// A service's reason ("is required", "must be at least 8 characters") as a sentence by its field.
std::string sentence(const std::string& reason) {
  if (reason.empty()) {
    return "This is not valid.";
  }
  std::string out = reason.starts_with("is ") ? "This field " + reason : reason;
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out.ends_with('.') ? out : out + ".";
}

// Puts the error on the form: each field error next to its field (above the form when no field has
// that name), a wrong password next to password_field, a lock or a full hashing pool above the
// form. The answer's status, with Retry-After when the error has one. Errors a form cannot show
// (a malformed form, a database outage) are thrown on. Called only while e is being handled.
http::Response form_failure(const Context& ctx, std::string_view page, json::object model, const Error& e,
                            const MaybeSession& session, std::string_view password_field = "") {
  auto& fields = model["fields"].as_array();
  auto put = [&](std::string_view name, const std::string& text) {
    for (auto& f : fields) {
      if (f.at("name").as_string() == name) {
        f.as_object()["error"] = text;
        return;
      }
    }
    model["form_error"] = text;
  };
  switch (e.code()) {
    case ErrorCode::unprocessable:
      for (const auto& d : e.details()) {
        put(d.name, sentence(d.reason));
      }
      if (e.details().empty()) {
        model["form_error"] = e.message();
      }
      break;
    case ErrorCode::unauthorized:
      if (password_field.empty()) {
        throw;  // the error being handled, as thrown
      }
      put(password_field, e.message());
      break;
    case ErrorCode::too_many_requests:
    case ErrorCode::gone:  // a spent reset or verification link
      model["form_error"] = e.message();
      break;
    case ErrorCode::unavailable:
      model["form_error"] =
          "So many people are signing in right now that we could not check this. Please try "
          "again in a moment.";
      break;
    default:
      throw;  // the error being handled, as thrown
  }
  auto response = render(ctx, page, std::move(model), session, core::http_status(e.code()));
  if (e.retry_after() || e.code() == ErrorCode::unavailable) {
    response.headers.set("Retry-After", std::to_string(e.retry_after().value_or(std::chrono::seconds(1)).count()));
  }
  return response;
}

// ---- route wrappers ---------------------------------------------------------------------------

// A page anyone may open (sign up, sign in): the session, when there is one, only fills the header.
// Its forms have no session to carry a CSRF token yet, so a form posted from another site (login
// CSRF: a visitor signed into someone else's account) is refused by what the browser says about
// where the request came from. An extra layer, for the browsers that send Sec-Fetch-Site.
template <typename Body>
http::Handler open_page(std::shared_ptr<const Context> ctx, Body body) {
  return [ctx = std::move(ctx), body = std::move(body)](http::Request& request) {
    const auto session = cookie_session(request, ctx->customers);
    try {
      if (identity::is_unsafe(request.method) && request.header("Sec-Fetch-Site") == "cross-site") {
        throw Error(ErrorCode::forbidden, "A form from another site was refused.");
      }
      return body(*ctx, request, session);
    } catch (const Error& e) {
      return error_page(*ctx, e, session);
    }
  };
}

// A page of the signed-in customer: without a session, the sign-in page; a POST must carry the
// session's CSRF token (identity::require_csrf: the one check, shared with the JSON API).
template <typename Body>
http::Handler member_page(std::shared_ptr<const Context> ctx, Body body) {
  return [ctx = std::move(ctx), body = std::move(body)](http::Request& request) {
    const auto session = cookie_session(request, ctx->customers);
    if (!session) {
      return to_sign_in(request);
    }
    try {
      identity::require_csrf(request, session->token);
      return body(*ctx, request, *session);
    } catch (const Error& e) {
      return error_page(*ctx, e, session);
    }
  };
}

// The message a ?done= on a page stands for, after the POST that redirected there.
std::string notice(const http::Request& request) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kNotices = {{
      {"sent",
       "If an account has this email address, we have sent it a link to choose a new password. The link works "
       "once, for 30 minutes."},
      {"reset", "Your password is changed and every device is signed out. Sign in with the new password."},
      {"verified", "Thank you: your email address is confirmed."},
      {"verification-sent", "We have sent you a new link. It works once, for 24 hours."},
      {"profile", "Your name is saved."},
      {"password", "Your password is changed. Every other device has been signed out."},
      {"added", "The address is added."},
      {"saved", "The address is saved."},
      {"deleted", "The address is deleted."},
      {"signed-up", "Thank you for signing up. Sign in with your email address and password."},
  }};
  const auto done = request.query_param("done").value_or("");
  const auto* found = std::find_if(kNotices.begin(), kNotices.end(), [&](const auto& n) { return n.first == done; });
  return found == kNotices.end() ? std::string() : std::string(found->second);
}

// ---- sign up, sign in, sign out ---------------------------------------------------------------

json::object sign_up_model(const Context& ctx, const ValueOf& value_of, const std::string& next,
                           const MaybeSession& session) {
  auto m = form_model(ctx, "Create an account", "/account/sign-up", "Create the account",
                      field_models(kSignUpFields, value_of), session);
  m["next"] = next;
  m["after"] = json::object{{"text", "Already have an account?"}, {"link", "Sign in"}, {"url", kSignInPath}};
  return m;
}

json::object sign_in_model(const Context& ctx, const ValueOf& value_of, const std::string& next,
                           const MaybeSession& session) {
  auto m = form_model(ctx, "Sign in", kSignInPath, "Sign in", field_models(kSignInFields, value_of), session);
  m["next"] = next;
  m["forgot"] = json::object{{"text", "Forgot your password?"}, {"url", kForgotPath}};
  m["after"] = json::object{{"text", "New here?"}, {"link", "Create an account"}, {"url", "/account/sign-up"}};
  return m;
}

std::string next_in(const http::Request& request) {
  return safe_next(request.query_param("next").value_or(""));
}

const ValueOf kBlank = [](std::string_view) { return std::string(); };

void add_sign_in_pages(http::Router& router, const std::shared_ptr<const Context>& ctx) {
  router.get("/account/sign-up", open_page(ctx, [](const Context& c, http::Request& request, const MaybeSession& s) {
               return render(c, "account_form", sign_up_model(c, kBlank, next_in(request), s), s);
             }));
  router.post(
      "/account/sign-up", open_page(ctx, [](const Context& c, http::Request& request, const MaybeSession& s) {
        const auto form = read_form(request, kSignUpFields);
        const auto next = safe_next(form.value("next"));
        try {
          // Whether the email was free is not said: the next step is the same either way.
          (void)c.customers.register_customer({form.value("email"), form.value("password"), form.value("name")},
                                              request.client_ip);
        } catch (const Error& e) {
          return form_failure(c, "account_form", sign_up_model(c, typed(form), next, s), e, s);
        }
        return see_other(std::string(kSignInPath) + "?" + http::build_query({{"done", "signed-up"}, {"next", next}}));
      }));
  router.get(std::string(kSignInPath),
             open_page(ctx, [](const Context& c, http::Request& request, const MaybeSession& s) {
               auto m = sign_in_model(c, kBlank, next_in(request), s);
               m["notice"] = notice(request);
               return render(c, "account_form", std::move(m), s);
             }));
  router.post(
      std::string(kSignInPath), open_page(ctx, [](const Context& c, http::Request& request, const MaybeSession& s) {
        const auto form = read_form(request, kSignInFields);
        const auto next = safe_next(form.value("next"));
        try {
          const auto session = c.customers.sign_in(form.value("email"), form.value("password"), request.client_ip);
          auto response = see_other(next);
          response.headers.add("Set-Cookie", new_session_cookie(session));
          return response;
        } catch (const Error& e) {
          return form_failure(c, "account_form", sign_in_model(c, typed(form), next, s), e, s, "password");
        }
      }));
  router.post("/account/sign-out", member_page(ctx, [](const Context& c, http::Request&, const CookieSession& s) {
                c.customers.sign_out(s.token);
                auto response = see_other("/");
                response.headers.add("Set-Cookie", ended_session_cookie());
                return response;
              }));
  router.post("/account/sign-out-everywhere",
              member_page(ctx, [](const Context& c, http::Request&, const CookieSession& s) {
                c.customers.sign_out_everywhere(s.customer.id);
                auto response = see_other("/");
                response.headers.add("Set-Cookie", ended_session_cookie());
                return response;
              }));
}

// ---- forgot and reset the password, verify the email ----------------------------------------------

// A page whose address holds a token: no Referer may carry it to another site.
http::Response no_referrer(http::Response response) {
  response.headers.set("Referrer-Policy", "no-referrer");
  return response;
}

json::object forgot_model(const Context& ctx, const ValueOf& value_of, const MaybeSession& session) {
  auto m = form_model(ctx, "Forgot your password?", kForgotPath, "Email me a link",
                      field_models(kForgotFields, value_of), session);
  m["after"] = json::object{{"text", "Remembered it?"}, {"link", "Sign in"}, {"url", kSignInPath}};
  return m;
}

// The token goes back in a hidden field, never into a field the page shows.
json::object token_model(const Context& ctx, const std::string& heading, std::string_view action,
                         std::string_view button, json::array fields, const std::string& token,
                         const MaybeSession& session) {
  auto m = form_model(ctx, heading, action, button, std::move(fields), session);
  m["token"] = token;
  return m;
}

void add_recovery_pages(http::Router& router, const std::shared_ptr<const Context>& ctx) {
  router.get(std::string(kForgotPath),
             open_page(ctx, [](const Context& c, http::Request& request, const MaybeSession& s) {
               auto m = forgot_model(c, kBlank, s);
               m["notice"] = notice(request);
               return render(c, "account_form", std::move(m), s);
             }));
  // The same next step whether or not an account has the email; the email leaves later, from the
  // mailer's own thread.
  router.post(std::string(kForgotPath),
              open_page(ctx, [](const Context& c, http::Request& request, const MaybeSession& s) {
                const auto form = read_form(request, kForgotFields);
                try {
                  c.customers.request_password_reset(form.value("email"), request.client_ip);
                } catch (const Error& e) {
                  return form_failure(c, "account_form", forgot_model(c, typed(form), s), e, s);
                }
                return see_other(std::string(kForgotPath) + "?done=sent");
              }));
  router.get(
      "/account/reset-password", open_page(ctx, [](const Context& c, http::Request& request, const MaybeSession& s) {
        const auto token = request.query_param("token").value_or("");
        return no_referrer(render(c, "account_form",
                                  token_model(c, "Choose a new password", "/account/reset-password",
                                              "Change the password", field_models(kResetFields, kBlank), token, s),
                                  s));
      }));
  router.post("/account/reset-password",
              open_page(ctx, [](const Context& c, http::Request& request, const MaybeSession& s) {
                const auto form = read_form(request, kResetFields, "token");
                try {
                  c.customers.reset_password(form.value("token"), form.value("password"), request.client_ip);
                } catch (const Error& e) {
                  auto m = token_model(c, "Choose a new password", "/account/reset-password", "Change the password",
                                       field_models(kResetFields, kBlank), form.value("token"), s);
                  return no_referrer(form_failure(c, "account_form", std::move(m), e, s, "password"));
                }
                auto response = see_other(std::string(kSignInPath) + "?done=reset");
                response.headers.add("Set-Cookie", ended_session_cookie());  // every session has ended
                return response;
              }));
  // Opening the link only shows a button: a GET changes nothing (mail scanners open links too).
  router.get("/account/verify-email",
             open_page(ctx, [](const Context& c, http::Request& request, const MaybeSession& s) {
               const auto token = request.query_param("token").value_or("");
               return no_referrer(render(c, "account_form",
                                         token_model(c, "Confirm your email address", "/account/verify-email",
                                                     "Confirm my email address", json::array(), token, s),
                                         s));
             }));
  router.post("/account/verify-email",
              open_page(ctx, [](const Context& c, http::Request& request, const MaybeSession& s) {
                const auto form = read_form(request, kNoFields, "token");
                try {
                  (void)c.customers.verify_email(form.value("token"), request.client_ip);
                } catch (const Error& e) {
                  auto m = token_model(c, "Confirm your email address", "/account/verify-email",
                                       "Confirm my email address", json::array(), form.value("token"), s);
                  return no_referrer(form_failure(c, "account_form", std::move(m), e, s));
                }
                return see_other(std::string(kAccountPath) + "?done=verified");
              }));
  router.post("/account/verify-email/send",
              member_page(ctx, [](const Context& c, http::Request& request, const CookieSession& s) {
                c.customers.request_verification(s.customer.id, request.client_ip);
                return see_other(std::string(kAccountPath) + "?done=verification-sent");
              }));
}

// ---- the account: overview, profile, password ---------------------------------------------------

json::object profile_model(const Context& ctx, const ValueOf& value_of, const CookieSession& s) {
  return form_model(ctx, "Your name", "/account/profile", "Save", field_models(kProfileFields, value_of), s);
}

json::object password_model(const Context& ctx, const CookieSession& s) {
  return form_model(ctx, "Change your password", "/account/password", "Change the password",
                    field_models(kPasswordFields, kBlank), s);
}

void add_profile_pages(http::Router& router, const std::shared_ptr<const Context>& ctx) {
  router.get(std::string(kAccountPath),
             member_page(ctx, [](const Context& c, http::Request& request, const CookieSession& s) {
               auto m = pages::private_layout(c.site, "Your account");
               m["notice"] = notice(request);
               m["account_name"] = s.customer.name;
               m["account_email"] = s.customer.email;
               m["email_unverified"] = !s.customer.email_verified;
               m["csrf_token"] = identity::csrf_token_for(s.token);
               return render(c, "account_overview", std::move(m), s);
             }));
  router.get("/account/profile", member_page(ctx, [](const Context& c, http::Request&, const CookieSession& s) {
               const ValueOf current = [&s](std::string_view) { return s.customer.name; };
               return render(c, "account_form", profile_model(c, current, s), s);
             }));
  router.post("/account/profile",
              member_page(ctx, [](const Context& c, http::Request& request, const CookieSession& s) {
                const auto form = read_form(request, kProfileFields);
                try {
                  (void)c.customers.rename(s.customer.id, form.value("name"), request.client_ip);
                } catch (const Error& e) {
                  return form_failure(c, "account_form", profile_model(c, typed(form), s), e, s);
                }
                return see_other(std::string(kAccountPath) + "?done=profile");
              }));
  router.get("/account/password", member_page(ctx, [](const Context& c, http::Request&, const CookieSession& s) {
               return render(c, "account_form", password_model(c, s), s);
             }));
  // Every session ends, this one too: the browser gets the new one in its cookie.
  router.post("/account/password",
              member_page(ctx, [](const Context& c, http::Request& request, const CookieSession& s) {
                const auto form = read_form(request, kPasswordFields);
                try {
                  const auto session = c.customers.change_password(s.customer.id, form.value("current_password"),
                                                                   form.value("new_password"), request.client_ip);
                  auto response = see_other(std::string(kAccountPath) + "?done=password");
                  response.headers.add("Set-Cookie", new_session_cookie(session));
                  return response;
                } catch (const Error& e) {
                  return form_failure(c, "account_form", password_model(c, s), e, s, "current_password");
                }
              }));
}

// ---- the address book ---------------------------------------------------------------------------

std::string address_url(std::int64_t id, std::string_view action) {
  return "/account/addresses/" + std::to_string(id) + "/" + std::string(action);
}

std::string address_text(const identity::AddressFields& f) {
  std::string out;
  auto line = [&out](const std::string& text) {
    if (!text.empty()) {
      out += (out.empty() ? "" : "\n") + text;
    }
  };
  line(f.name);
  line(f.line1);
  line(f.line2);
  line(f.postal_code.empty() ? f.city : f.postal_code + " " + f.city);
  line(f.region);
  line(f.country);
  line(f.phone);
  return out;
}

ValueOf stored(const identity::AddressFields& f) {
  return [&f](std::string_view name) -> std::string {
    const std::array<std::pair<std::string_view, const std::string*>, 8> values = {{{"name", &f.name},
                                                                                    {"line1", &f.line1},
                                                                                    {"line2", &f.line2},
                                                                                    {"city", &f.city},
                                                                                    {"postal_code", &f.postal_code},
                                                                                    {"region", &f.region},
                                                                                    {"country", &f.country},
                                                                                    {"phone", &f.phone}}};
    const auto* found = std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == name; });
    return found == values.end() ? std::string() : *found->second;
  };
}

identity::AddressFields fields_of(const http::Params& form) {
  return {form.value("name"),        form.value("line1"),  form.value("line2"),   form.value("city"),
          form.value("postal_code"), form.value("region"), form.value("country"), form.value("phone")};
}

json::object address_form_model(const Context& ctx, const std::string& heading, std::string_view action,
                                const ValueOf& value_of, const CookieSession& s) {
  auto m = form_model(ctx, heading, action, "Save the address", field_models(kAddressFields, value_of), s);
  m["after"] =
      json::object{{"text", "Changed your mind?"}, {"link", "Back to your addresses"}, {"url", "/account/addresses"}};
  return m;
}

http::Response address_list(const Context& c, http::Request& request, const CookieSession& s) {
  json::array items;
  for (const auto& a : c.addresses.list(s.customer.id, request.client_ip)) {
    items.push_back(json::object{{"text", address_text(a.fields)},
                                 {"edit_url", address_url(a.id, "edit")},
                                 {"delete_url", address_url(a.id, "delete")}});
  }
  auto m = pages::private_layout(c.site, "Your addresses");
  m["notice"] = notice(request);
  m["has_addresses"] = !items.empty();
  m["addresses"] = std::move(items);
  m["csrf_token"] = identity::csrf_token_for(s.token);
  return render(c, "account_addresses", std::move(m), s);
}

void add_address_pages(http::Router& router, const std::shared_ptr<const Context>& ctx) {
  router.get("/account/addresses", member_page(ctx, address_list));
  router.get("/account/addresses/new", member_page(ctx, [](const Context& c, http::Request&, const CookieSession& s) {
               return render(c, "account_form",
                             address_form_model(c, "Add an address", "/account/addresses/new", kBlank, s), s);
             }));
  router.post(
      "/account/addresses/new", member_page(ctx, [](const Context& c, http::Request& request, const CookieSession& s) {
        const auto form = read_form(request, kAddressFields);
        try {
          (void)c.addresses.add(s.customer.id, fields_of(form), request.client_ip);
        } catch (const Error& e) {
          return form_failure(c, "account_form",
                              address_form_model(c, "Add an address", "/account/addresses/new", typed(form), s), e, s);
        }
        return see_other("/account/addresses?done=added");
      }));
  router.get("/account/addresses/{id}/edit",
             member_page(ctx, [](const Context& c, http::Request& request, const CookieSession& s) {
               const auto id = address_id(request);
               const auto address = c.addresses.get(s.customer.id, id, request.client_ip);
               return render(
                   c, "account_form",
                   address_form_model(c, "Change the address", address_url(id, "edit"), stored(address.fields), s), s);
             }));
  router.post(
      "/account/addresses/{id}/edit",
      member_page(ctx, [](const Context& c, http::Request& request, const CookieSession& s) {
        const auto id = address_id(request);
        const auto form = read_form(request, kAddressFields);
        const auto f = fields_of(form);
        try {
          (void)c.addresses.update(s.customer.id, id,
                                   {f.name, f.line1, f.line2, f.city, f.postal_code, f.region, f.country, f.phone},
                                   request.client_ip);
        } catch (const Error& e) {
          if (e.code() == ErrorCode::not_found) {
            throw;
          }
          return form_failure(c, "account_form",
                              address_form_model(c, "Change the address", address_url(id, "edit"), typed(form), s), e,
                              s);
        }
        return see_other("/account/addresses?done=saved");
      }));
  router.post("/account/addresses/{id}/delete",
              member_page(ctx, [](const Context& c, http::Request& request, const CookieSession& s) {
                c.addresses.remove(s.customer.id, address_id(request), request.client_ip);
                return see_other("/account/addresses?done=deleted");
              }));
}

}  // namespace

std::string safe_next(std::string_view next) {
  const bool local =
      next.size() <= 2000 && next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\");
  const bool plain = std::all_of(next.begin(), next.end(), [](char ch) {
    const auto u = static_cast<unsigned char>(ch);
    return u > 0x20 && u < 0x7f && ch != '\\';
  });
  return local && plain ? std::string(next) : std::string(kAccountPath);
}

pages::Visitor visitor_of(const CookieSession& session) {
  return visitor(session);
}

void add_pages(http::Router& router, pages::Site site, std::shared_ptr<const web::Templates> templates,
               identity::CustomerService& customers, identity::AddressBook& addresses) {
  const auto ctx =
      std::make_shared<const Context>(Context{std::move(site), std::move(templates), customers, addresses});
  add_sign_in_pages(router, ctx);
  add_recovery_pages(router, ctx);
  add_profile_pages(router, ctx);
  add_address_pages(router, ctx);
}

}  // namespace ecom::storefront::account
