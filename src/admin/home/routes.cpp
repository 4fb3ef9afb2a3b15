#include "home/routes.hpp"

#include <ecom/platform/http/problem.hpp>

#include <fmt/format.h>

namespace ecom::admin::home {

void add_routes(http::Router& router, const std::shared_ptr<const http::StaticFiles>& files) {
  // Static: the dashboard only links to the sections, so it is built once and answered on the I/O
  // thread.
  const std::string page = fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"robots\" content=\"noindex\"><title>ecom admin</title>"
      "<link rel=\"stylesheet\" href=\"{}\"></head>"
      "<body><header class=\"bar\"><a class=\"brand\" href=\"/\">ecom admin</a>"
      "<nav aria-label=\"Sections\"><a href=\"/products\">Products</a> <a href=\"/categories\">Categories</a> "
      "<a href=\"/import\">Import / export</a></nav></header><main><h1>Admin portal</h1>"
      "<p class=\"warning\"><strong>There is no staff login yet.</strong> Anyone who can reach this port can "
      "change the catalog: keep the admin bound to loopback (the default) until staff authentication "
      "lands.</p>"
      "<ul class=\"panel\">"
      "<li><a href=\"/products\">Products</a>: search, edit, publish, variants and images</li>"
      "<li><a href=\"/categories\">Categories</a>: the category tree</li>"
      "<li><a href=\"/import\">Import and export</a>: the catalog as CSV</li>"
      "</ul>"
      "<p>Orders and customers are managed here once their modules land.</p></main></body></html>\n",
      http::html_escape(files->asset_url("admin/app.css")));
  router.get("/", [page](http::Request&) { return http::Response::html(200, page); },
             {.execution = http::Execution::inline_io, .permission = "admin.view"});
}

}  // namespace ecom::admin::home
