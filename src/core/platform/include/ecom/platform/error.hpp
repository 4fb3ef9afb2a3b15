// The one error type of the domain. Services throw it; the HTTP layer maps it to a status and an
// RFC 9457 problem document in exactly one place (http/problem.hpp). What the client sees is the
// message and details; internals go to the log, never into an Error.
#pragma once

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
  internal,             // 500: never carries internals in its message
  unavailable,          // 503: a dependency or a bounded queue is full
};

// One invalid input: which field or parameter, and why.
struct FieldError {
  std::string name;
  std::string reason;
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::vector<FieldError> details = {})
      : std::runtime_error(message), code_(code), message_(std::move(message)), details_(std::move(details)) {}

  [[nodiscard]] ErrorCode code() const noexcept { return code_; }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }
  [[nodiscard]] const std::vector<FieldError>& details() const noexcept { return details_; }

  // Shorthand for the most common case: one bad parameter.
  static Error bad_parameter(std::string name, std::string reason) {
    auto msg = "invalid parameter '" + name + "': " + reason;
    return Error(ErrorCode::bad_request, std::move(msg), {FieldError{std::move(name), std::move(reason)}});
  }

 private:
  ErrorCode code_;
  std::string message_;
  std::vector<FieldError> details_;
};

// HTTP status and a short, stable title for each code.
[[nodiscard]] int http_status(ErrorCode code) noexcept;
[[nodiscard]] std::string_view title(ErrorCode code) noexcept;
// A URI reference naming the problem type (RFC 9457 "type").
[[nodiscard]] std::string_view type_uri(ErrorCode code) noexcept;

}  // namespace ecom::core
