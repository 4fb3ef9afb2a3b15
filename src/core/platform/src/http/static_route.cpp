#include <ecom/platform/http/static_route.hpp>

#include <utility>

namespace ecom::http {

void mount_static(Router& router, std::shared_ptr<const StaticFiles> files, const std::string& url_prefix) {
  // Files are in memory, so serving never blocks: run on the I/O thread.
  RouteOptions options{
      .execution = Execution::inline_io, .permission = std::string(kPublicRoute), .rate_limited = false};
  router.get(
      url_prefix + "/{path...}", [files](Request& req) { return files->serve(req, req.param("path")); }, options);
}

void mount_favicon(Router& router, std::shared_ptr<const StaticFiles> files, std::string logical_name) {
  RouteOptions options{
      .execution = Execution::inline_io, .permission = std::string(kPublicRoute), .rate_limited = false};
  router.get(
      "/favicon.ico",
      [files = std::move(files), name = std::move(logical_name)](Request& req) { return files->serve(req, name); },
      options);
}

}  // namespace ecom::http
