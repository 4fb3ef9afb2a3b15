#include <ecom/platform/http/message.hpp>

#include <algorithm>
#include <array>

namespace ecom::http {
namespace {

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

std::string_view to_string(Method m) noexcept {
  switch (m) {
    case Method::get:
      return "GET";
    case Method::head:
      return "HEAD";
    case Method::post:
      return "POST";
    case Method::put:
      return "PUT";
    case Method::patch:
      return "PATCH";
    case Method::del:
      return "DELETE";
    case Method::options:
      return "OPTIONS";
    case Method::other:
      return "OTHER";
  }
  return "OTHER";
}

Method method_from_string(std::string_view s) noexcept {
  static constexpr std::array<std::pair<std::string_view, Method>, 7> kMethods{{
      {"GET", Method::get},
      {"HEAD", Method::head},
      {"POST", Method::post},
      {"PUT", Method::put},
      {"PATCH", Method::patch},
      {"DELETE", Method::del},
      {"OPTIONS", Method::options},
  }};
  for (const auto& [name, m] : kMethods) {
    if (name == s) {  // methods are case-sensitive (RFC 9110 9.1)
      return m;
    }
  }
  return Method::other;
}

void Headers::set(std::string_view name, std::string value) {
  erase(name);
  fields_.emplace_back(std::string(name), std::move(value));
}

void Headers::erase(std::string_view name) {
  std::erase_if(fields_, [&](const auto& f) { return iequals(f.first, name); });
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (iequals(n, name)) {
      return std::string_view(v);
    }
  }
  return std::nullopt;
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [n, v] : path_params) {
    if (n == name) {
      return v;
    }
  }
  return {};
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    if (key && *key == name) {
      if (eq == std::string_view::npos) {
        return std::string{};
      }
      return percent_decode(pair.substr(eq + 1), true);
    }
  }
  return std::nullopt;
}

bool Request::wants_html() const {
  auto accept = headers.get("Accept");
  if (!accept) {
    return false;
  }
  // Browsers send text/html first; API clients send application/json or */*.
  auto html = accept->find("text/html");
  if (html == std::string_view::npos) {
    return false;
  }
  auto json = accept->find("json");
  return json == std::string_view::npos || html < json;
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.add("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.headers.add("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

Response Response::html(int status, std::string body) {
  return text(status, std::move(body), "text/html; charset=utf-8");
}

Response Response::empty(int status) {
  Response r;
  r.status = status;
  return r;
}

std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) {
        return std::nullopt;
      }
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) {
        return std::nullopt;
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace ecom::http
