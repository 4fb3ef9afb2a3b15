#include <ecom/platform/error.hpp>
#include <ecom/platform/http/json_body.hpp>

#include <boost/json.hpp>

#include <algorithm>

namespace ecom::http {

using core::Error;
using core::ErrorCode;

boost::json::object json_body(const Request& request) {
  if (request.media_type() != "application/json") {
    throw Error(ErrorCode::unsupported_media, "Send the body as application/json.");
  }
  boost::system::error_code ec;
  auto value = boost::json::parse(request.body, ec);
  if (ec) {
    throw Error(ErrorCode::bad_request, "The body is not valid JSON.");
  }
  if (!value.is_object()) {
    throw Error(ErrorCode::bad_request, "The body must be a JSON object.");
  }
  return std::move(value.as_object());
}

boost::json::object optional_json_body(const Request& request) {
  if (request.body.empty()) {
    return {};
  }
  return json_body(request);
}

void allow_only(const boost::json::object& o, std::span<const std::string_view> names) {
  for (const auto& field : o) {
    if (std::find(names.begin(), names.end(), field.key()) == names.end()) {
      throw Error::bad_parameter(std::string(field.key()), "unknown field");
    }
  }
}

void allow_only(const boost::json::object& o, std::initializer_list<std::string_view> names) {
  allow_only(o, std::span<const std::string_view>(names.begin(), names.size()));
}

std::optional<std::string> optional_string(const boost::json::object& o, std::string_view name,
                                           const std::string& path) {
  const auto* v = o.if_contains(name);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->is_string()) {
    throw Error::bad_parameter(path + std::string(name), "must be a string");
  }
  return std::string(v->as_string());
}

std::string required_string(const boost::json::object& o, std::string_view name, const std::string& path) {
  auto value = optional_string(o, name, path);
  if (!value) {
    throw Error::bad_parameter(path + std::string(name), "is required");
  }
  return std::move(*value);
}

std::optional<std::int64_t> optional_int(const boost::json::object& o, std::string_view name, const std::string& path) {
  const auto* v = o.if_contains(name);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (v->is_int64()) {
    return v->as_int64();
  }
  throw Error::bad_parameter(path + std::string(name), "must be an integer");
}

}  // namespace ecom::http
