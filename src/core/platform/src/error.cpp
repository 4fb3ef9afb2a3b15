#include <ecom/platform/error.hpp>

namespace ecom::core {

int http_status(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::bad_request:
      return 400;
    case ErrorCode::unauthorized:
      return 401;
    case ErrorCode::forbidden:
      return 403;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::method_not_allowed:
      return 405;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::gone:
      return 410;
    case ErrorCode::precondition_failed:
      return 412;
    case ErrorCode::payload_too_large:
      return 413;
    case ErrorCode::unsupported_media:
      return 415;
    case ErrorCode::unprocessable:
      return 422;
    case ErrorCode::too_many_requests:
      return 429;
    case ErrorCode::header_too_large:
      return 431;
    case ErrorCode::internal:
      return 500;
    case ErrorCode::unavailable:
      return 503;
  }
  return 500;
}

std::string_view title(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::bad_request:
      return "Bad Request";
    case ErrorCode::unauthorized:
      return "Unauthorized";
    case ErrorCode::forbidden:
      return "Forbidden";
    case ErrorCode::not_found:
      return "Not Found";
    case ErrorCode::method_not_allowed:
      return "Method Not Allowed";
    case ErrorCode::conflict:
      return "Conflict";
    case ErrorCode::gone:
      return "Gone";
    case ErrorCode::precondition_failed:
      return "Precondition Failed";
    case ErrorCode::payload_too_large:
      return "Content Too Large";
    case ErrorCode::unsupported_media:
      return "Unsupported Media Type";
    case ErrorCode::unprocessable:
      return "Unprocessable Content";
    case ErrorCode::too_many_requests:
      return "Too Many Requests";
    case ErrorCode::header_too_large:
      return "Request Header Fields Too Large";
    case ErrorCode::internal:
      return "Internal Server Error";
    case ErrorCode::unavailable:
      return "Service Unavailable";
  }
  return "Internal Server Error";
}

std::string_view type_uri(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::bad_request:
      return "/problems/bad-request";
    case ErrorCode::unauthorized:
      return "/problems/unauthorized";
    case ErrorCode::forbidden:
      return "/problems/forbidden";
    case ErrorCode::not_found:
      return "/problems/not-found";
    case ErrorCode::method_not_allowed:
      return "/problems/method-not-allowed";
    case ErrorCode::conflict:
      return "/problems/conflict";
    case ErrorCode::gone:
      return "/problems/gone";
    case ErrorCode::precondition_failed:
      return "/problems/precondition-failed";
    case ErrorCode::payload_too_large:
      return "/problems/payload-too-large";
    case ErrorCode::unsupported_media:
      return "/problems/unsupported-media-type";
    case ErrorCode::unprocessable:
      return "/problems/unprocessable";
    case ErrorCode::too_many_requests:
      return "/problems/too-many-requests";
    case ErrorCode::header_too_large:
      return "/problems/header-too-large";
    case ErrorCode::internal:
      return "/problems/internal";
    case ErrorCode::unavailable:
      return "/problems/unavailable";
  }
  return "about:blank";
}

}  // namespace ecom::core
