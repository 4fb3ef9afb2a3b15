#include "home/routes.hpp"

#include <ecom/platform/http/problem.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace ecom::storefront::home {

void add_routes(http::Router& router, const Settings& settings, std::shared_ptr<const http::StaticFiles> files) {
  // Both answers depend only on configuration: computed once, served from the I/O thread.
  const std::string store_json = boost::json::serialize(boost::json::object{
      {"name", settings.shop_name},
      {"currency", settings.currency},
      {"version", ECOM_VERSION},
  });
  const http::RouteOptions inline_route{.execution = http::Execution::inline_io, .permission = ""};
  router.get(
      "/api/v1/store", [store_json](http::Request&) { return http::Response::json(200, store_json); }, inline_route);

  const std::string name = http::html_escape(settings.shop_name);
  const std::string page = fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>{0}</title><meta name=\"description\" content=\"{0}: online shop\">"
      "<link rel=\"stylesheet\" href=\"{1}\"></head>"
      "<body><header class=\"site\"><a class=\"brand\" href=\"/\">{0}</a></header>"
      "<main><h1>Welcome to {0}</h1>"
      "<p>The shop is open for business soon: the catalog is being stocked.</p></main>"
      "<footer class=\"site\">Prices in {2}.</footer></body></html>\n",
      name, http::html_escape(files->asset_url("storefront/app.css")), http::html_escape(settings.currency));
  router.get(
      "/", [page](http::Request&) { return http::Response::html(200, page); }, inline_route);
}

}  // namespace ecom::storefront::home
