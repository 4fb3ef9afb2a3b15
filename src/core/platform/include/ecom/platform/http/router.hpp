// Routes: method + path template ("/api/v1/products/{slug}", "/static/{path...}") to a handler.
// A known path with another method gives 405 with Allow; an unknown path 404. Templates are kept
// for metrics and logs so that labels stay bounded whatever clients send.
#pragma once

#include <ecom/platform/http/message.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::http {

using Handler = std::function<Response(Request&)>;
// A route's optional fast path: run on the I/O thread before the route's handler, it answers from
// process memory (a near-cache hit) or returns nullopt, and the handler then runs as usual. It
// must never block. Its errors are mapped like the handler's, but a fast path that cannot decide
// should return nullopt rather than throw: the handler gives the one answer for every other case.
using FastHandler = std::function<std::optional<Response>(Request&)>;

// How a handler runs. Blocking handlers (anything that may touch the database, the cache or the
// disk) run on the bounded worker pool; inline handlers run on the I/O thread and must never block.
enum class Execution { blocking, inline_io };

// The permission of a route that anyone may call (a sign-in form, static files).
inline constexpr std::string_view kPublicRoute = "public";

struct RouteOptions {
  Execution execution = Execution::blocking;
  // The permission the route requires ("catalog.write"), checked by the binary's guard (the admin's
  // auth::protect); "public" for a route anyone may call. "" = not declared, which the admin's
  // guard refuses at start-up.
  std::string permission;
  // Counted by the per-address rate limit (DispatcherOptions::rate_limit); static files are not.
  bool rate_limited = true;
};

struct Route {
  Method method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
  FastHandler fast;  // empty: none
};

struct Match {
  enum class Kind { found, not_found, method_not_allowed } kind = Kind::not_found;
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>> params;
  std::string allow;  // for method_not_allowed: "GET, HEAD"
};

class Router {
 public:
  // Throws std::invalid_argument on a malformed pattern or a duplicate method + pattern.
  Router& add(Method method, std::string pattern, Handler handler, RouteOptions options = {}, FastHandler fast = {});
  Router& get(std::string pattern, Handler handler, RouteOptions options = {}) {
    return add(Method::get, std::move(pattern), std::move(handler), std::move(options));
  }
  // A GET route whose fast handler is tried on the I/O thread first (see FastHandler).
  Router& get_with_fast_path(std::string pattern, FastHandler fast, Handler handler, RouteOptions options = {}) {
    return add(Method::get, std::move(pattern), std::move(handler), std::move(options), std::move(fast));
  }
  Router& post(std::string pattern, Handler handler, RouteOptions options = {}) {
    return add(Method::post, std::move(pattern), std::move(handler), std::move(options));
  }

  // Lets edit change every route in place (its handler, fast path and options; never its method
  // or pattern): for a guard that wraps each handler once, at start-up, before the server runs.
  void edit_routes(const std::function<void(Route&)>& edit) {
    for (auto& route : routes_) {
      edit(*route);
    }
  }

  // path is percent-decoded. HEAD matches GET routes.
  [[nodiscard]] Match match(Method method, std::string_view path) const;
  [[nodiscard]] const std::vector<std::unique_ptr<Route>>& routes() const noexcept { return routes_; }

 private:
  struct Segment {
    enum class Kind { literal, param, rest } kind;
    std::string text;  // literal text or parameter name
  };
  struct Compiled {
    std::vector<Segment> segments;
    Route* route = nullptr;
  };
  using Params = std::vector<std::pair<std::string, std::string>>;
  static std::optional<Params> match_segments(const std::vector<Segment>& segs, std::string_view path,
                                              const std::vector<std::string_view>& parts);
  std::vector<std::unique_ptr<Route>> routes_;
  std::vector<Compiled> compiled_;
};

}  // namespace ecom::http
