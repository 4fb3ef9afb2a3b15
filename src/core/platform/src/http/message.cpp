#include <ecom/platform/error.hpp>
#include <ecom/platform/http/message.hpp>

#include <algorithm>
#include <array>

namespace ecom::http {
namespace {

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
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
  // Every other name may repeat here: only the one asked for must be single.
  const auto values = Params::parse(query, {"*"}).all(name);
  if (values.size() > 1) {
    throw core::Error::bad_parameter(std::string(name), "given more than once");
  }
  if (values.empty()) {
    return std::nullopt;
  }
  return values.front();
}

std::string Request::media_type() const {
  std::string_view value = headers.get("Content-Type").value_or("");
  value = value.substr(0, value.find(';'));
  constexpr std::string_view kSpace = " \t";
  const auto first = value.find_first_not_of(kSpace);
  if (first == std::string_view::npos) {
    return {};
  }
  value = value.substr(first, value.find_last_not_of(kSpace) - first + 1);
  std::string out(value.size(), '\0');
  std::transform(value.begin(), value.end(), out.begin(), lower);
  return out;
}

std::optional<std::string> Request::cookie(std::string_view name) const {
  for (const auto& [field, value] : headers.fields()) {
    if (!iequals(field, "Cookie")) {
      continue;
    }
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto end = rest.find(';');
      auto pair = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
      while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) {
        pair.remove_prefix(1);
      }
      while (!pair.empty() && (pair.back() == ' ' || pair.back() == '\t')) {
        pair.remove_suffix(1);
      }
      const auto eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        return std::string(pair.substr(eq + 1));
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> Request::bearer_token() const {
  const auto value = headers.get("Authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (!value || value->size() <= kScheme.size() || !iequals(value->substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  auto token = value->substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') {
    token.remove_prefix(1);
  }
  while (!token.empty() && token.back() == ' ') {
    token.remove_suffix(1);
  }
  if (token.empty()) {
    return std::nullopt;
  }
  return std::string(token);
}

std::string session_cookie(std::string_view name, std::string_view value, std::chrono::seconds max_age) {
  return std::string(name) + "=" + std::string(value) + "; Path=/; Max-Age=" + std::to_string(max_age.count()) +
         "; Secure; HttpOnly; SameSite=Lax";
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

}  // namespace ecom::http
