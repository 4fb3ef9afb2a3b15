// The one place where errors become HTTP answers: RFC 9457 application/problem+json for API
// clients, a readable HTML page for browsers. A client error (4xx) shows its message, field list
// and extension members; a server error (5xx) shows a generic sentence and the request id, never
// its message: the dispatcher has written the cause to the log under that id.
#pragma once

#include <ecom/platform/error.hpp>
#include <ecom/platform/http/message.hpp>

namespace ecom::http {

[[nodiscard]] Response error_response(const core::Error& error, const Request& request);
// The problem's detail: the message of a client error; for a server error the generic sentence of
// its code followed by the request id the log line carries.
[[nodiscard]] std::string client_detail(const core::Error& error, std::string_view request_id);
// 500 without internals; the caller logs the real cause with the request id.
[[nodiscard]] Response internal_error_response(const Request& request);
// Escapes &, <, >, ", ' for HTML text and attribute values.
[[nodiscard]] std::string html_escape(std::string_view in);

}  // namespace ecom::http
