// The one CSRF check of every cookie-authenticated unsafe request, on the storefront and in the
// admin alike (docs/identity.md): the request must send back its session's token (tokens.hpp
// csrf_token_for), in the X-CSRF-Token header (scripts and the JSON APIs) or in the csrf_token
// field of an application/x-www-form-urlencoded body (plain forms). Origin and Sec-Fetch-Site
// checks may sit in front of it; this is the defence.
#pragma once

#include <ecom/platform/http/message.hpp>

#include <string_view>

namespace ecom::identity {

// The form field of a page's POST form.
inline constexpr std::string_view kCsrfField = "csrf_token";

// POST, PUT, PATCH, DELETE and anything unknown: every method but GET, HEAD and OPTIONS.
[[nodiscard]] bool is_unsafe(http::Method method) noexcept;

// Throws core::Error forbidden when an unsafe request lacks the session's token or sends another
// (compared in constant time); does nothing for a safe method.
void require_csrf(const http::Request& request, std::string_view session_token);

}  // namespace ecom::identity
