#include "home/routes.hpp"

#include <ecom/platform/http/problem.hpp>

#include <fmt/format.h>

namespace ecom::admin::home {

void add_routes(http::Router& router, const std::shared_ptr<const http::StaticFiles>& files) {
  const std::string page = fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"robots\" content=\"noindex\"><title>ecom admin</title>"
      "<link rel=\"stylesheet\" href=\"{}\"></head>"
      "<body><header class=\"bar\">ecom admin</header><main><h1>Admin portal</h1>"
      "<p>Products, orders and customers are managed here once their modules land.</p>"
      "<p class=\"warning\">There is no staff login yet: keep this port on loopback.</p></main></body></html>\n",
      http::html_escape(files->asset_url("admin/app.css")));
  router.get("/", [page](http::Request&) { return http::Response::html(200, page); },
             {.execution = http::Execution::inline_io, .permission = "admin.view"});
}

}  // namespace ecom::admin::home
