#include "account/shared.hpp"

#include <ecom/platform/error.hpp>
#include <ecom/platform/time.hpp>

#include <charconv>
#include <chrono>

namespace ecom::storefront::account {

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

std::chrono::seconds seconds_left(const identity::SignIn& session) {
  return time::seconds_until_us(session.expires_at);
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
