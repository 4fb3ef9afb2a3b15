#include "home/routes.hpp"

#include <boost/json.hpp>

namespace ecom::storefront::home {

void add_routes(http::Router& router, const Settings& settings) {
  // Depends only on configuration: computed once, served from the I/O thread.
  const std::string store_json = boost::json::serialize(boost::json::object{
      {"name", settings.shop_name},
      {"currency", settings.currency},
      {"version", ECOM_VERSION},
  });
  const http::RouteOptions inline_route{.execution = http::Execution::inline_io, .permission = ""};
  router.get(
      "/api/v1/store", [store_json](http::Request&) { return http::Response::json(200, store_json); }, inline_route);
}

}  // namespace ecom::storefront::home
