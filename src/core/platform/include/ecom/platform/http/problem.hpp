// The one place where errors become HTTP answers: RFC 9457 application/problem+json for API
// clients, a readable HTML page for browsers.
#pragma once

#include <ecom/platform/error.hpp>
#include <ecom/platform/http/message.hpp>

namespace ecom::http {

[[nodiscard]] Response error_response(const core::Error& error, const Request& request);
// 500 without internals; the caller logs the real cause with the request id.
[[nodiscard]] Response internal_error_response(const Request& request);
// Escapes &, <, >, ", ' for HTML text and attribute values.
[[nodiscard]] std::string html_escape(std::string_view in);

}  // namespace ecom::http
