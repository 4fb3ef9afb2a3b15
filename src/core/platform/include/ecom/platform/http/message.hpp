// Our own small request and response types. Handlers and domain code see these, never Beast or
// Asio types, so that only the server's few translation units pay for the heavy headers.
#pragma once

#include <ecom/platform/http/query.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecom::http {

enum class Method { get, head, post, put, patch, del, options, other };

[[nodiscard]] std::string_view to_string(Method m) noexcept;
[[nodiscard]] Method method_from_string(std::string_view s) noexcept;

// Header fields in arrival order; names compare case-insensitively.
class Headers {
 public:
  void add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  // Replaces every field of that name with one.
  void set(std::string_view name, std::string value);
  void erase(std::string_view name);
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  [[nodiscard]] bool has(std::string_view name) const { return get(name).has_value(); }
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& fields() const noexcept { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

// Who is calling, as an authenticating layer (the admin's guard) found before the handler ran.
struct Caller {
  std::string kind;  // "staff" or "api_key"; "" when nobody is signed in
  std::int64_t id = 0;
  std::string name;        // the staff member's email, or the key's name: the audit log's actor
  std::string role;        // a staff member's role; "" for an API key
  std::string csrf_token;  // for a cookie session: what its pages' forms send back
};

struct Request {
  Method method = Method::get;
  std::string method_text;  // as sent, for logs and for Method::other
  std::string target;       // raw request-target, e.g. "/api/v1/products?q=shoe"
  std::string path;         // percent-decoded path without the query
  std::string query;        // raw query string without '?'
  Headers headers;
  std::string body;
  std::string client_ip;   // from the socket, or X-Forwarded-For behind a trusted proxy
  std::string request_id;  // accepted from X-Request-Id when well-formed, else generated
  std::string route;       // matched route template, e.g. "/api/v1/products/{slug}"; "" if none
  std::vector<std::pair<std::string, std::string>> path_params;
  std::chrono::steady_clock::time_point received_at{};
  Caller caller;

  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
  // Path parameter by name; the router guarantees the names its templates declare.
  [[nodiscard]] std::string_view param(std::string_view name) const;
  // The query parameter with that name, decoded by Params::parse ('+' is a space). A 400 naming
  // the parameter when the query has a malformed escape or this name is given more than once.
  // A route that refuses unknown names, or lets a name repeat, parses with Params itself.
  [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const;
  // The Content-Type's media type without parameters, trimmed and lower-cased
  // ("Application/JSON; charset=utf-8" -> "application/json"); "" when there is none. The one
  // place a request's Content-Type is read (RFC 9110 8.3.1: type and subtype are case-insensitive).
  [[nodiscard]] std::string media_type() const;
  // True when the client prefers an HTML answer (a browser), for error pages.
  [[nodiscard]] bool wants_html() const;
  // The value of the cookie with that name from the Cookie header fields (RFC 6265 5.4: "a=1; b=2";
  // a client may send several fields), the first when it is sent twice; nullopt when absent.
  [[nodiscard]] std::optional<std::string> cookie(std::string_view name) const;
  // The token of "Authorization: Bearer <token>" (the scheme in any case, RFC 6750); nullopt for
  // no Authorization, another scheme or an empty token.
  [[nodiscard]] std::optional<std::string> bearer_token() const;
};

// A Set-Cookie value for a session cookie: "name=value; Path=/; Max-Age=N; Secure; HttpOnly;
// SameSite=Lax". Max-Age 0 tells the browser to drop the cookie (sign-out). Secure is always set:
// a "__Host-" name requires it, and browsers accept it on http://localhost too.
[[nodiscard]] std::string session_cookie(std::string_view name, std::string_view value, std::chrono::seconds max_age);

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  static Response json(int status, std::string body);
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response html(int status, std::string body);
  static Response empty(int status);
};

}  // namespace ecom::http
