#include "pages/identity_pages.hpp"

#include "pages/form.hpp"
#include "pages/routes.hpp"
#include "pages/view_models.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/identity/roles.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/query.hpp>
#include <ecom/platform/time.hpp>

#include <boost/json.hpp>

#include <functional>

namespace ecom::admin::pages {
namespace {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;

struct Context {
  Layout layout;
  std::shared_ptr<const web::Templates> templates;
  IdentityServices services;
};
using ContextPtr = std::shared_ptr<const Context>;

http::RouteOptions blocking(std::string permission) {
  return {.execution = http::Execution::blocking, .permission = std::move(permission)};
}

http::Response render(const Context& c, const http::Request& request, std::string_view name, json::object model,
                      int status) {
  return render_page(*c.templates, request, name, std::move(model), status);
}

// A page's POST: refused from another site, its form parsed, a client error shown on the page
// (by show), a server error left to the dispatcher's one mapping.
using Show = std::function<http::Response(const Context&, http::Request&, const Notice&, int)>;
template <typename Body>
http::Handler form_post(ContextPtr ctx, Show show, Body body) {
  return [ctx = std::move(ctx), show = std::move(show), body = std::move(body)](http::Request& request) {
    refuse_cross_site(request);
    try {
      return body(*ctx, request, parse_form(request.body));
    } catch (const Error& e) {
      if (!core::is_client_error(e.code())) {
        throw;
      }
      return show(*ctx, request, notice_of(e), core::http_status(e.code()));
    }
  };
}

std::int64_t path_id(const http::Request& request) {
  if (const auto id = parse_id(request.param("id"))) {
    return *id;
  }
  throw Error(ErrorCode::not_found, "There is nothing at this address.");
}

std::optional<identity::StaffActor> actor_of(const http::Request& request) {
  return identity::StaffActor{request.caller.kind == "staff" ? request.caller.id : 0, request.caller.role};
}

json::array role_options(std::string_view selected) {
  json::array out;
  for (const auto role : identity::all_roles()) {
    out.push_back(json::object{{"value", role}, {"selected", role == selected}});
  }
  return out;
}

// ---- staff ----

http::Response staff_page(const Context& c, http::Request& request, const Notice& notice, int status) {
  json::array rows;
  for (const auto& m : c.services.staff.list()) {
    rows.push_back(json::object{{"id", m.id},
                                {"email", m.email},
                                {"name", m.name},
                                {"role", m.role},
                                {"roles", role_options(m.role)},
                                {"active", m.active},
                                {"invited", m.invited},
                                {"totp", m.totp_enabled}});
  }
  auto model = base_model(c.layout, "Staff", "staff", notice);
  model["staff"] = std::move(rows);
  model["new_roles"] = role_options("support");
  model["can_write"] = identity::role_grants(request.caller.role, "staff.write");
  if (const auto link = request.query_param("invitation")) {
    model["invitation_url"] = *link;  // shown once, right after the invitation was made
  }
  return render(c, request, "staff", model, status);
}

void add_staff_routes(http::Router& router, const ContextPtr& ctx) {
  router.get(
      "/staff", [ctx](http::Request& request) { return staff_page(*ctx, request, {}, 200); }, blocking("staff.read"));
  router.post("/staff",
              form_post(ctx, staff_page,
                        [](const Context& c, http::Request& request, const Form& form) {
                          const auto created = c.services.staff.create(
                              {form.value("email"), trim(form.value("name")), form.value("role"), std::nullopt},
                              actor_of(request), request.client_ip);
                          const auto link = c.services.admin_base_url +
                                            "/invitation?token=" + http::encode_component(*created.invitation_token);
                          // The link goes to the page once, in the redirect's query (never stored).
                          return see_other("/staff?invitation=" + http::encode_component(link));
                        }),
              blocking("staff.write"));
  router.post("/staff/{id}",
              form_post(ctx, staff_page,
                        [](const Context& c, http::Request& request, const Form& form) {
                          identity::StaffChange change;
                          change.role = form.value("role");
                          change.active = form.value("active") == "on";
                          (void)c.services.staff.update(path_id(request), change, actor_of(request), request.client_ip);
                          return see_other("/staff");
                        }),
              blocking("staff.write"));
  router.post("/staff/{id}/delete",
              form_post(ctx, staff_page,
                        [](const Context& c, http::Request& request, const Form&) {
                          c.services.staff.remove(path_id(request), actor_of(request), request.client_ip);
                          return see_other("/staff");
                        }),
              blocking("staff.write"));
}

// ---- API keys ----

http::Response keys_page(const Context& c, http::Request& request, const Notice& notice, int status,
                         const std::string& secret) {
  json::array rows;
  for (const auto& k : c.services.keys.list()) {
    std::string permissions;
    for (const auto& p : k.permissions) {
      permissions += (permissions.empty() ? "" : ", ") + p;
    }
    rows.push_back(json::object{{"id", k.id},
                                {"name", k.name},
                                {"permissions", permissions},
                                {"created", format_time(k.created_at)},
                                {"last_used", k.last_used_at ? format_time(*k.last_used_at) : std::string("never")},
                                {"revoked", k.revoked}});
  }
  json::array choices;
  for (const auto& p : identity::permissions_of(request.caller.role)) {
    choices.push_back(json::object{{"value", p}});
  }
  auto model = base_model(c.layout, "API keys", "api_keys", notice);
  model["keys"] = std::move(rows);
  model["permissions"] = std::move(choices);
  model["secret"] = secret;
  model["can_write"] = identity::role_grants(request.caller.role, "api_keys.write");
  return render(c, request, "api_keys", model, status);
}

void add_key_routes(http::Router& router, const ContextPtr& ctx) {
  const Show show = [](const Context& c, http::Request& request, const Notice& notice, int status) {
    return keys_page(c, request, notice, status, "");
  };
  router.get(
      "/api-keys", [ctx](http::Request& request) { return keys_page(*ctx, request, {}, 200, ""); },
      blocking("api_keys.read"));
  // The secret is shown on the answer to this POST, once: not through a redirect that could
  // leave it in the history.
  router.post("/api-keys",
              form_post(ctx, show,
                        [](const Context& c, http::Request& request, const Form& form) {
                          const auto made =
                              c.services.keys.create(form.value("name"), form.all("permission"), request.caller.id,
                                                     request.caller.role, request.client_ip);
                          return keys_page(c, request,
                                           Notice{"Key created. Copy its secret now: it is shown only once.", "", {}},
                                           201, made.secret);
                        }),
              blocking("api_keys.write"));
  router.post("/api-keys/{id}/revoke",
              form_post(ctx, show,
                        [](const Context& c, http::Request& request, const Form&) {
                          c.services.keys.revoke(path_id(request), request.client_ip);
                          return see_other("/api-keys");
                        }),
              blocking("api_keys.write"));
}

// ---- audit ----

http::Response audit_page(const Context& c, http::Request& request) {
  const auto query = http::Params::parse(request.query);
  audit::Filter filter;
  const auto given = [&](std::string_view name) {
    auto v = query.get(name);
    return v && !v->empty() ? v : std::nullopt;
  };
  filter.actor = given("actor");
  filter.object_type = given("object_type");
  filter.object_id = given("object_id");
  if (const auto before = given("before")) {
    filter.before_seq = parse_id(*before);
  }
  const auto entries = audit::list(c.services.db, filter);
  json::array rows;
  for (const auto& e : entries) {
    rows.push_back(json::object{
        {"seq", e.seq},
        {"at", time::iso8601_from_us(e.at)},
        {"actor", e.actor.name.empty() ? e.actor.kind : e.actor.name},
        {"client", e.actor.client},
        {"action", e.action},
        {"object", e.object_type + " " + e.object_id + (e.object_key.empty() ? "" : " (" + e.object_key + ")")},
        {"before", e.before},
        {"after", e.after}});
  }
  auto model = base_model(c.layout, "Audit log", "audit", {});
  model["entries"] = std::move(rows);
  model["actor"] = filter.actor.value_or("");
  model["object_type"] = filter.object_type.value_or("");
  model["object_id"] = filter.object_id.value_or("");
  if (static_cast<int>(entries.size()) == filter.limit) {
    auto next = query.items();
    std::erase_if(next, [](const auto& p) { return p.first == "before"; });
    next.emplace_back("before", std::to_string(entries.back().seq));
    model["next_url"] = "/audit?" + http::build_query(next);
  }
  return render(c, request, "audit", model, 200);
}

}  // namespace

void add_identity_routes(http::Router& router, const std::shared_ptr<const http::StaticFiles>& files,
                         std::shared_ptr<const web::Templates> templates, IdentityServices services) {
  auto ctx = std::make_shared<const Context>(
      Context{Layout{files->asset_url("admin/app.css"), files->asset_url("admin/app.js")}, std::move(templates),
              std::move(services)});
  add_staff_routes(router, ctx);
  add_key_routes(router, ctx);
  router.get(
      "/audit", [ctx](http::Request& request) { return audit_page(*ctx, request); }, blocking("audit.read"));
}

}  // namespace ecom::admin::pages
