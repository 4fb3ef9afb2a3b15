#include "pages/customer_pages.hpp"

#include "pages/form.hpp"
#include "pages/routes.hpp"
#include "pages/view_models.hpp"

#include <ecom/identity/addresses.hpp>
#include <ecom/identity/customer_directory.hpp>
#include <ecom/identity/roles.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/query.hpp>

#include <boost/json.hpp>

namespace ecom::admin::pages {
namespace {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;

struct Context {
  Layout layout;
  std::shared_ptr<const web::Templates> templates;
  identity::CustomerDirectory directory;
  identity::AddressBook addresses;
};
using ContextPtr = std::shared_ptr<Context>;

const http::RouteOptions kRead{.execution = http::Execution::blocking, .permission = "customers.read"};
const http::RouteOptions kWrite{.execution = http::Execution::blocking, .permission = "customers.write"};

std::int64_t customer_id(const http::Request& request) {
  if (const auto id = parse_id(request.param("id"))) {
    return *id;
  }
  throw Error(ErrorCode::not_found, "No such customer.");
}

json::object customer_json(const identity::CustomerSummary& c) {
  return {{"id", c.id},
          {"email", c.email},
          {"name", c.name},
          {"verified", c.verified},
          {"disabled", c.disabled},
          {"created", format_time(c.created_at)}};
}

http::Response list_page(Context& c, const http::Request& request) {
  const auto query = http::Params::parse(request.query);
  identity::CustomerSearch search;
  search.text = trim(query.value("q"));
  if (const auto before = query.get("before")) {
    search.before = parse_id(*before);
  }
  const auto found = c.directory.search(search);
  json::array rows;
  for (const auto& customer : found) {
    rows.push_back(customer_json(customer));
  }
  auto model = base_model(c.layout, "Customers", "customers", {});
  model["q"] = search.text;
  model["customers"] = std::move(rows);
  if (static_cast<int>(found.size()) == search.limit) {
    model["next_url"] =
        "/customers?" + http::build_query({{"q", search.text}, {"before", std::to_string(found.back().id)}});
  }
  return render_page(*c.templates, request, "customers", std::move(model));
}

http::Response detail_page(Context& c, const http::Request& request, const Notice& notice, int status) {
  const auto id = customer_id(request);
  const auto customer = c.directory.get(id);
  json::array addresses;
  for (const auto& a : c.addresses.list(id, request.client_ip)) {
    const auto& f = a.fields;
    addresses.push_back(json::object{{"name", f.name},
                                     {"line1", f.line1},
                                     {"line2", f.line2},
                                     {"city", f.city},
                                     {"postal_code", f.postal_code},
                                     {"region", f.region},
                                     {"country", f.country},
                                     {"phone", f.phone}});
  }
  auto model = base_model(c.layout, customer.email, "customers", notice);
  model["customer"] = customer_json(customer);
  model["addresses"] = std::move(addresses);
  model["can_write"] = identity::role_grants(request.caller.role, "customers.write");
  return render_page(*c.templates, request, "customer", std::move(model), status);
}

// A POST of the customer page: refused from another site; a client error shown on the page.
template <typename Body>
http::Handler customer_post(const ContextPtr& ctx, Body body) {
  return [ctx, body = std::move(body)](http::Request& request) {
    refuse_cross_site(request);
    try {
      return body(*ctx, request, parse_form(request.body));
    } catch (const Error& e) {
      if (!core::is_client_error(e.code()) || e.code() == ErrorCode::not_found) {
        throw;
      }
      return detail_page(*ctx, request, notice_of(e), core::http_status(e.code()));
    }
  };
}

}  // namespace

void add_customer_routes(http::Router& router, const std::shared_ptr<const http::StaticFiles>& files,
                         std::shared_ptr<const web::Templates> templates, db::Database& db) {
  auto ctx = std::make_shared<Context>(
      Context{Layout{files->asset_url("admin/app.css"), files->asset_url("admin/app.js")}, std::move(templates),
              identity::CustomerDirectory(db), identity::AddressBook(db)});
  router.get(
      "/customers", [ctx](http::Request& request) { return list_page(*ctx, request); }, kRead);
  router.get(
      "/customers/{id}", [ctx](http::Request& request) { return detail_page(*ctx, request, {}, 200); }, kRead);
  router.post("/customers/{id}/state",
              customer_post(ctx,
                            [](Context& c, http::Request& request, const Form& form) {
                              const bool disable = form.value("disabled") == "true";
                              (void)c.directory.set_disabled(customer_id(request), disable, request.client_ip);
                              return see_other("/customers/" + std::to_string(customer_id(request)));
                            }),
              kWrite);
  router.post("/customers/{id}/erase",
              customer_post(ctx,
                            [](Context& c, http::Request& request, const Form& form) {
                              // Erasure cannot be undone: the form asks for the word, so a stray click does nothing.
                              if (trim(form.value("confirm")) != "ERASE") {
                                throw Error::invalid_field("confirm", "type ERASE to erase this account");
                              }
                              c.directory.erase(customer_id(request), request.client_ip);
                              return see_other("/customers?erased=1");
                            }),
              kWrite);
}

}  // namespace ecom::admin::pages
