// The one error type of the domain. Services throw it; the HTTP layer maps it to a status and an
// RFC 9457 problem document in exactly one place (http/problem.hpp).
//
// An Error carries two texts. Its message is client text: a client error (4xx) shows it as the
// problem's detail, so it says what the caller did wrong and nothing about the server. Its log text
// is for the operator: host and user names, constraint names, driver messages, sizes; it goes to
// the log (and to stderr when a process cannot start), never into an answer. Without a log text of
// its own the log gets the message. A server error (5xx) never shows its message either: the client
// reads a generic sentence with the request id, the log gets the cause under that id.
#pragma once

#include <boost/json/fwd.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::core {

enum class ErrorCode {
  bad_request,          // 400: the input is malformed or a parameter is invalid
  unauthorized,         // 401
  forbidden,            // 403
  not_found,            // 404: also for objects the caller may not see
  method_not_allowed,   // 405
  conflict,             // 409: state conflict, or a retry while the first attempt runs
  gone,                 // 410
  precondition_failed,  // 412: stale If-Match / version
  payload_too_large,    // 413
  unsupported_media,    // 415
  unprocessable,        // 422: well-formed but breaks a business rule
  too_many_requests,    // 429
  header_too_large,     // 431
  internal,             // 500: the client reads a generic sentence, the log the message
  unavailable,          // 503: a dependency or a bounded queue is full; as generic as a 500
};

// One invalid input: which field or parameter, and why.
struct FieldError {
  std::string name;
  std::string reason;
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::vector<FieldError> details = {});

  [[nodiscard]] ErrorCode code() const noexcept { return code_; }
  // Client text (see the top of this file).
  [[nodiscard]] const std::string& message() const noexcept { return message_; }
  [[nodiscard]] const std::vector<FieldError>& details() const noexcept { return details_; }
  // What the log gets: the log text when one was set, else the message. what() returns it too.
  [[nodiscard]] const std::string& log_text() const noexcept { return log_text_.empty() ? message_ : log_text_; }
  [[nodiscard]] bool has_log_text() const noexcept { return !log_text_.empty(); }
  [[nodiscard]] const char* what() const noexcept override { return log_text().c_str(); }

  // Sets the operator's text: a whole sentence naming the cause, e.g. "cannot connect to the
  // database postgresql://ecom@db1/shop: connection refused". On a subclass, call it on a named
  // object and throw that object: `throw Sub(...).with_log_text(...)` would throw a plain Error.
  Error& with_log_text(std::string text) &;
  Error&& with_log_text(std::string text) &&;

  // An RFC 9457 extension member of the problem document ("errors" replaces the field list).
  // Members go to the client only with a client error (4xx); the standard members (type, title,
  // status, detail, instance, request_id) cannot be replaced: std::invalid_argument.
  Error& with_member(std::string_view name, boost::json::value value) &;
  Error&& with_member(std::string_view name, boost::json::value value) &&;
  // nullptr when there are none.
  [[nodiscard]] const boost::json::object* members() const noexcept { return members_.get(); }

  // When to try again (a 429 or 503): the answer carries it as Retry-After, in whole seconds, at
  // least 1.
  Error& with_retry_after(std::chrono::seconds after) &;
  Error&& with_retry_after(std::chrono::seconds after) &&;
  [[nodiscard]] std::optional<std::chrono::seconds> retry_after() const noexcept { return retry_after_; }

  // Shorthand for a field of a write that breaks a rule: unprocessable (422) naming the field.
  static Error invalid_field(std::string name, std::string reason) {
    auto msg = "invalid " + name + ": " + reason;
    return Error(ErrorCode::unprocessable, std::move(msg), {FieldError{std::move(name), std::move(reason)}});
  }

  // Shorthand for the most common case: one bad parameter.
  static Error bad_parameter(std::string name, std::string reason) {
    auto msg = "invalid parameter '" + name + "': " + reason;
    return Error(ErrorCode::bad_request, std::move(msg), {FieldError{std::move(name), std::move(reason)}});
  }

 private:
  ErrorCode code_;
  std::string message_;
  std::string log_text_;
  std::vector<FieldError> details_;
  // Shared between copies of a thrown Error; with_member copies it before changing it.
  std::shared_ptr<const boost::json::object> members_;
  std::optional<std::chrono::seconds> retry_after_;
};

// True for the caller's mistakes and refusals (4xx), false for the server's failures (5xx). Code
// that must tell the two apart (what to log, what to show) asks this, never a list of its own.
[[nodiscard]] bool is_client_error(ErrorCode code) noexcept;

// HTTP status and a short, stable title for each code.
[[nodiscard]] int http_status(ErrorCode code) noexcept;
[[nodiscard]] std::string_view title(ErrorCode code) noexcept;
// A URI reference naming the problem type (RFC 9457 "type").
[[nodiscard]] std::string_view type_uri(ErrorCode code) noexcept;
// What a client reads in place of the message of a server error; empty for a client error.
[[nodiscard]] std::string_view generic_detail(ErrorCode code) noexcept;

}  // namespace ecom::core
