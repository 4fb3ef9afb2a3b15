#include <ecom/identity/csrf.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/query.hpp>

#include <optional>
#include <string>

namespace ecom::identity {
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

bool is_unsafe(http::Method method) noexcept {
  return method != http::Method::get && method != http::Method::head && method != http::Method::options;
}

void require_csrf(const http::Request& request, std::string_view session_token) {
  if (!is_unsafe(request.method)) {
    return;
  }
  const auto sent = sent_csrf_token(request);
  if (!sent || !equal_secrets(*sent, csrf_token_for(session_token))) {
    throw core::Error(core::ErrorCode::forbidden,
                      "The request lacks this session's CSRF token (X-CSRF-Token or the form field csrf_token).");
  }
}

}  // namespace ecom::identity
