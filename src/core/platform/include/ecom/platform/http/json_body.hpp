// Reading a JSON request body, strictly: the one place that says what a body that is not JSON, a
// member of the wrong type or an unknown member answers. Every refusal names what it refuses, so
// a client can point at the field.
#pragma once

#include <ecom/platform/http/message.hpp>

#include <boost/json/object.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ecom::http {

// The body as a JSON object. Throws core::Error unsupported_media (415) unless the Content-Type is
// application/json, bad_request (400) when the body is not JSON or not an object.
[[nodiscard]] boost::json::object json_body(const Request& request);
// The same, but an empty body is an empty object (where every member is optional).
[[nodiscard]] boost::json::object optional_json_body(const Request& request);

// bad_request naming the first member of o that is not in names ("unknown field").
void allow_only(const boost::json::object& o, std::span<const std::string_view> names);
void allow_only(const boost::json::object& o, std::initializer_list<std::string_view> names);

// A member's value, or nullopt when it is absent; bad_request naming path + name when it has
// another type. required_string: bad_request ("is required") when it is absent.
[[nodiscard]] std::optional<std::string> optional_string(const boost::json::object& o, std::string_view name,
                                                         const std::string& path = "");
[[nodiscard]] std::string required_string(const boost::json::object& o, std::string_view name,
                                          const std::string& path = "");
[[nodiscard]] std::optional<std::int64_t> optional_int(const boost::json::object& o, std::string_view name,
                                                       const std::string& path = "");

}  // namespace ecom::http
