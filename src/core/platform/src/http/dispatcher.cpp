#include <ecom/platform/error.hpp>
#include <ecom/platform/http/dispatcher.hpp>
#include <ecom/platform/http/problem.hpp>
#include <ecom/platform/log.hpp>

#include <algorithm>
#include <array>
#include <random>

namespace ecom::http {

bool valid_request_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  });
}

std::string generate_request_id() {
  // Per-thread generator seeded from the OS: unique enough to correlate logs, no lock per request.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                             '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string id(32, '0');
  for (std::size_t i = 0; i < 32; i += 16) {
    auto v = rng();
    for (std::size_t k = 0; k < 16; ++k) {
      id[i + k] = kHex[(v >> (k * 4)) & 0xF];
    }
  }
  return id;
}

Dispatcher::Dispatcher(Router router, DispatcherOptions options, std::shared_ptr<metrics::Registry> metrics)
    : router_(std::move(router)),
      options_(std::move(options)),
      limiter_(std::make_unique<RateLimiter>(options_.rate_limit)),
      metrics_(std::move(metrics)) {}

bool Dispatcher::origin_allowed(std::string_view origin) const {
  return std::any_of(options_.cors_origins.begin(), options_.cors_origins.end(),
                     [&](const std::string& o) { return o == "*" || o == origin; });
}

Dispatcher::Plan Dispatcher::route(Request& req) const {
  auto sent_id = req.header("X-Request-Id");
  req.request_id = sent_id && valid_request_id(*sent_id) ? std::string(*sent_id) : generate_request_id();

  Plan plan;
  // CORS preflight: answered here for every route, so handlers never see OPTIONS + Origin.
  if (req.method == Method::options && req.header("Origin") && req.header("Access-Control-Request-Method")) {
    auto m = router_.match(method_from_string(*req.header("Access-Control-Request-Method")), req.path);
    req.route = m.route != nullptr ? m.route->pattern : "";
    Response res = Response::empty(204);
    if (m.kind == Match::Kind::found && origin_allowed(*req.header("Origin"))) {
      res.headers.add("Access-Control-Allow-Methods", std::string(to_string(m.route->method)));
      if (auto h = req.header("Access-Control-Request-Headers")) {
        res.headers.add("Access-Control-Allow-Headers", std::string(*h));
      }
      res.headers.add("Access-Control-Max-Age", "600");
    }
    plan.immediate = std::move(res);
    return plan;
  }

  auto m = router_.match(req.method, req.path);
  switch (m.kind) {
    case Match::Kind::found:
      req.route = m.route->pattern;
      req.path_params = std::move(m.params);
      if (const auto wait = m.route->options.rate_limited ? limiter_->acquire(req.client_ip) : std::nullopt) {
        metrics_->increment("http_rejected_total{reason=\"rate_limit\"}");
        plan.immediate = error_response(
            core::Error(core::ErrorCode::too_many_requests, "Too many requests from this address; slow down.")
                .with_retry_after(*wait),
            req);
        break;
      }
      plan.route = m.route;
      break;
    case Match::Kind::method_not_allowed: {
      Response res =
          error_response(core::Error(core::ErrorCode::method_not_allowed,
                                     "The method " + req.method_text + " is not allowed here; allowed: " + m.allow),
                         req);
      res.headers.add("Allow", m.allow);
      plan.immediate = std::move(res);
      break;
    }
    case Match::Kind::not_found:
      plan.immediate =
          error_response(core::Error(core::ErrorCode::not_found, "No page or resource at this address."), req);
      break;
  }
  return plan;
}

namespace {

// The log half of an error's answer: a server error always (its client reads only a generic
// sentence and the request id), a client error when it carries a cause of its own (a 409 from a
// unique violation names the constraint here, not in the answer).
void log_error(const Request& req, const core::Error& e) {
  const auto status = core::http_status(e.code());
  if (e.code() == core::ErrorCode::internal) {
    log::error("internal error",
               {{"request_id", req.request_id}, {"route", req.route}, {"status", status}, {"error", e.log_text()}});
  } else if (!core::is_client_error(e.code())) {
    log::warn("server error",
              {{"request_id", req.request_id}, {"route", req.route}, {"status", status}, {"error", e.log_text()}});
  } else if (e.has_log_text()) {
    log::info("request refused", {{"request_id", req.request_id},
                                  {"route", req.route},
                                  {"status", status},
                                  {"detail", e.message()},
                                  {"error", e.log_text()}});
  }
}

// The one error mapping of handler calls: core::Error becomes its problem response, anything else
// a logged 500 without internals.
template <typename Call>
auto guarded(Request& req, Call call) -> decltype(call()) {
  try {
    return call();
  } catch (const core::Error& e) {
    log_error(req, e);
    return error_response(e, req);
  } catch (const std::exception& e) {
    // The cause goes to the log with the request id; the client gets no internals.
    log::error("unhandled exception", {{"request_id", req.request_id}, {"route", req.route}, {"error", e.what()}});
    return internal_error_response(req);
  } catch (...) {
    log::error("unhandled non-standard exception", {{"request_id", req.request_id}, {"route", req.route}});
    return internal_error_response(req);
  }
}

}  // namespace

Response Dispatcher::invoke(const Route& route, Request& req) const {
  return guarded(req, [&] { return route.handler(req); });
}

std::optional<Response> Dispatcher::invoke_fast(const Route& route, Request& req) const {
  if (!route.fast) {
    return std::nullopt;
  }
  return guarded(req, [&] { return route.fast(req); });
}

void Dispatcher::finish(const Request& req, Response& res) const {
  res.headers.set("X-Request-Id", req.request_id);
  if (!res.headers.has("X-Content-Type-Options")) {
    res.headers.add("X-Content-Type-Options", "nosniff");
  }
  if (!res.headers.has("Referrer-Policy")) {
    res.headers.add("Referrer-Policy", "strict-origin-when-cross-origin");
  }
  if (!res.headers.has("Content-Security-Policy") && !options_.content_security_policy.empty()) {
    res.headers.add("Content-Security-Policy", options_.content_security_policy);
  }
  if (!res.headers.has("X-Frame-Options")) {
    res.headers.add("X-Frame-Options", "DENY");
  }
  auto add_vary = [&res](std::string_view field) {
    auto vary = res.headers.get("Vary");
    res.headers.set("Vary", vary ? std::string(*vary) + ", " + std::string(field) : std::string(field));
  };
  if (auto origin = req.header("Origin"); origin && origin_allowed(*origin)) {
    // Only a listed origin is echoed; "*" is answered as "*", never as the caller's own origin.
    const bool listed =
        std::find(options_.cors_origins.begin(), options_.cors_origins.end(), *origin) != options_.cors_origins.end();
    res.headers.set("Access-Control-Allow-Origin", listed ? std::string(*origin) : std::string("*"));
    res.headers.add("Access-Control-Expose-Headers", "X-Request-Id, ETag, Retry-After");
    if (listed) {
      add_vary("Origin");
    }
  }
  if (res.status >= 400) {
    add_vary("Accept");  // error_response picks an HTML page or problem+json by Accept
  }
  if (options_.strict_transport_security && !res.headers.has("Strict-Transport-Security")) {
    res.headers.add("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  }

  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - req.received_at).count();
  if (metrics_) {
    metrics_->observe_request(req.route, to_string(req.method), res.status, elapsed);
  }
  if (options_.access_log && log::enabled(log::Level::info)) {
    // The path only: query strings may carry tokens, and headers (cookies, authorization) never go here.
    log::info("request", {{"request_id", req.request_id},
                          {"server", options_.server_name},
                          {"method", req.method_text},
                          {"path", req.path},
                          {"route", req.route},
                          {"status", res.status},
                          {"duration_ms", elapsed * 1000.0},
                          {"client_ip", req.client_ip}});
  }
}

}  // namespace ecom::http
