#include "account/shared.hpp"

#include <ecom/identity/tokens.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/query.hpp>

#include <charconv>
#include <chrono>

namespace ecom::storefront::account {
namespace {

constexpr std::string_view kFormMediaType = "application/x-www-form-urlencoded";

// The token a request sent: the header first, else the form field of a form body. The form is
// read leniently here (any field may repeat): the handler parses it strictly afterwards.
std::optional<std::string> sent_csrf_token(const http::Request& request) {
  if (const auto header = request.header("X-CSRF-Token")) {
    return std::string(*header);
  }
  if (request.media_type() == kFormMediaType) {
    return http::Params::parse(request.body, {"*"}).get(kCsrfField);
  }
  return std::nullopt;
}

}  // namespace

std::optional<CookieSession> cookie_session(const http::Request& request, identity::CustomerService& customers) {
  auto cookie = request.cookie(kSessionCookie);
  if (!cookie || cookie->empty()) {
    return std::nullopt;
  }
  auto customer = customers.authenticate(*cookie);
  if (!customer) {
    return std::nullopt;
  }
  return CookieSession{std::move(*customer), std::move(*cookie)};
}

bool is_unsafe(http::Method method) noexcept {
  return method != http::Method::get && method != http::Method::head && method != http::Method::options;
}

void require_csrf(const http::Request& request, std::string_view session_token) {
  if (!is_unsafe(request.method)) {
    return;
  }
  const auto sent = sent_csrf_token(request);
  if (!sent || !identity::equal_secrets(*sent, identity::csrf_token_for(session_token))) {
    throw core::Error(core::ErrorCode::forbidden,
                      "The request lacks this session's CSRF token (X-CSRF-Token or the form field csrf_token).");
  }
}

std::chrono::seconds seconds_left(const identity::SignIn& session) {
  const auto now_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::microseconds(session.expires_at - now_us));
}

std::string new_session_cookie(const identity::SignIn& session) {
  return http::session_cookie(kSessionCookie, session.token, seconds_left(session));
}

std::string ended_session_cookie() {
  return http::session_cookie(kSessionCookie, "", std::chrono::seconds(0));
}

std::int64_t address_id(const http::Request& request) {
  const auto text = request.param("id");
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value <= 0) {
    throw core::Error(core::ErrorCode::not_found, "No such address.");
  }
  return value;
}

}  // namespace ecom::storefront::account
