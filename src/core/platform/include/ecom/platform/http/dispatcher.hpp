// The request pipeline without any I/O: request id, CORS, routing, the handler call with error
// mapping, then security headers, metrics and the access log. The server calls route(),
// invoke_fast() and finish() on the I/O thread and invoke() wherever the route's Execution says, so
// an answer from the fast path gets the same headers, metrics and log line as any other.
#pragma once

#include <ecom/platform/http/rate_limit.hpp>
#include <ecom/platform/http/router.hpp>
#include <ecom/platform/metrics.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ecom::http {

struct DispatcherOptions {
  std::string server_name = "ecom";       // label in logs
  std::vector<std::string> cors_origins;  // exact origins allowed (echoed); "*": any, answered "*"; empty: no CORS
  std::string content_security_policy =
      "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
      "frame-ancestors 'none'";
  // Strict-Transport-Security on every answer; set by a binary whose public URL is https.
  bool strict_transport_security = false;
  bool access_log = true;
  // Requests per client address (after X-Forwarded-For from a trusted proxy) on every route that
  // is rate_limited (all but static files); beyond it 429 with Retry-After before the handler.
  RateLimit rate_limit;
};

// Accepts a client-sent request id when it is 1-128 chars of [A-Za-z0-9._-]; else generates one.
[[nodiscard]] bool valid_request_id(std::string_view id) noexcept;
[[nodiscard]] std::string generate_request_id();

class Dispatcher {
 public:
  Dispatcher(Router router, DispatcherOptions options, std::shared_ptr<metrics::Registry> metrics);

  struct Plan {
    const Route* route = nullptr;       // set when a handler must run
    std::optional<Response> immediate;  // set when the answer is already known (404, 405, preflight)
  };
  // Sets request_id and route, matches the route.
  [[nodiscard]] Plan route(Request& req) const;
  // Calls the handler; core::Error becomes its problem response, anything else a logged 500.
  [[nodiscard]] Response invoke(const Route& route, Request& req) const;
  // Calls the route's fast handler, if it has one, with the same error mapping as invoke; nullopt
  // when there is none or it declined: then invoke must run (on the pool for a blocking route).
  [[nodiscard]] std::optional<Response> invoke_fast(const Route& route, Request& req) const;
  // Adds X-Request-Id, security and CORS headers, records metrics and writes the access log.
  void finish(const Request& req, Response& res) const;

  [[nodiscard]] Router& router() noexcept { return router_; }
  [[nodiscard]] const std::shared_ptr<metrics::Registry>& metrics() const noexcept { return metrics_; }

 private:
  [[nodiscard]] bool origin_allowed(std::string_view origin) const;
  Router router_;
  DispatcherOptions options_;
  std::unique_ptr<RateLimiter> limiter_;
  std::shared_ptr<metrics::Registry> metrics_;
};

}  // namespace ecom::http
