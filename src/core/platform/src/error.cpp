#include <ecom/platform/error.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <cstddef>

namespace ecom::core {
namespace {

// Everything known about a code, in one row per code.
struct CodeInfo {
  ErrorCode code;
  int status;
  std::string_view title;
  std::string_view type;
  // Shown instead of the message; only server errors have one.
  std::string_view generic_detail;
};

constexpr std::string_view kInternalDetail = "An unexpected error occurred. It has been logged.";
constexpr std::string_view kUnavailableDetail = "The service is unavailable for a moment. Retry shortly.";

// In the order of ErrorCode: the row of a code is its value (checked below).
constexpr std::array kCodes{
    CodeInfo{ErrorCode::bad_request, 400, "Bad Request", "/problems/bad-request", {}},
    CodeInfo{ErrorCode::unauthorized, 401, "Unauthorized", "/problems/unauthorized", {}},
    CodeInfo{ErrorCode::forbidden, 403, "Forbidden", "/problems/forbidden", {}},
    CodeInfo{ErrorCode::not_found, 404, "Not Found", "/problems/not-found", {}},
    CodeInfo{ErrorCode::method_not_allowed, 405, "Method Not Allowed", "/problems/method-not-allowed", {}},
    CodeInfo{ErrorCode::conflict, 409, "Conflict", "/problems/conflict", {}},
    CodeInfo{ErrorCode::gone, 410, "Gone", "/problems/gone", {}},
    CodeInfo{ErrorCode::precondition_failed, 412, "Precondition Failed", "/problems/precondition-failed", {}},
    CodeInfo{ErrorCode::payload_too_large, 413, "Content Too Large", "/problems/payload-too-large", {}},
    CodeInfo{ErrorCode::unsupported_media, 415, "Unsupported Media Type", "/problems/unsupported-media-type", {}},
    CodeInfo{ErrorCode::unprocessable, 422, "Unprocessable Content", "/problems/unprocessable", {}},
    CodeInfo{ErrorCode::too_many_requests, 429, "Too Many Requests", "/problems/too-many-requests", {}},
    CodeInfo{ErrorCode::header_too_large, 431, "Request Header Fields Too Large", "/problems/header-too-large", {}},
    CodeInfo{ErrorCode::internal, 500, "Internal Server Error", "/problems/internal", kInternalDetail},
    CodeInfo{ErrorCode::unavailable, 503, "Service Unavailable", "/problems/unavailable", kUnavailableDetail},
};

constexpr bool table_is_complete() {
  for (std::size_t i = 0; i < kCodes.size(); ++i) {
    const auto& row = kCodes.at(i);
    if (static_cast<std::size_t>(row.code) != i) {
      return false;
    }
    // A server error must have a generic text to show; a client error shows its message.
    if ((row.status >= 500) == row.generic_detail.empty()) {
      return false;
    }
  }
  return static_cast<std::size_t>(ErrorCode::unavailable) + 1 == kCodes.size();
}
static_assert(table_is_complete(), "kCodes: one row per ErrorCode, in enum order, generic text for 5xx only");

// An out-of-range value (a cast from a number) reads as an internal error.
const CodeInfo& info(ErrorCode code) noexcept {
  const auto i = static_cast<std::size_t>(code);
  return i < kCodes.size() ? kCodes.at(i) : kCodes.at(static_cast<std::size_t>(ErrorCode::internal));
}

constexpr std::array<std::string_view, 6> kStandardMembers{"type",   "title",    "status",
                                                           "detail", "instance", "request_id"};

}  // namespace

Error::Error(ErrorCode code, std::string message, std::vector<FieldError> details)
    : std::runtime_error(message), code_(code), message_(std::move(message)), details_(std::move(details)) {}

Error& Error::with_log_text(std::string text) & {
  log_text_ = std::move(text);
  return *this;
}

Error&& Error::with_log_text(std::string text) && {
  return std::move(with_log_text(std::move(text)));
}

Error& Error::with_member(std::string_view name, boost::json::value value) & {
  if (std::find(kStandardMembers.begin(), kStandardMembers.end(), name) != kStandardMembers.end()) {
    throw std::invalid_argument("the problem member '" + std::string(name) + "' is set by the HTTP layer");
  }
  auto members = members_ ? std::make_shared<boost::json::object>(*members_) : std::make_shared<boost::json::object>();
  members->insert_or_assign(name, std::move(value));
  members_ = std::move(members);
  return *this;
}

Error& Error::with_retry_after(std::chrono::seconds after) & {
  retry_after_ = std::max(after, std::chrono::seconds(1));
  return *this;
}

Error&& Error::with_retry_after(std::chrono::seconds after) && {
  return std::move(with_retry_after(after));
}

Error&& Error::with_member(std::string_view name, boost::json::value value) && {
  return std::move(with_member(name, std::move(value)));
}

bool is_client_error(ErrorCode code) noexcept {
  return info(code).status < 500;
}

int http_status(ErrorCode code) noexcept {
  return info(code).status;
}

std::string_view title(ErrorCode code) noexcept {
  return info(code).title;
}

std::string_view type_uri(ErrorCode code) noexcept {
  return info(code).type;
}

std::string_view generic_detail(ErrorCode code) noexcept {
  return info(code).generic_detail;
}

}  // namespace ecom::core
