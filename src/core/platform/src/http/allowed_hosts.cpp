#include <ecom/platform/http/allowed_hosts.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace ecom::http {
namespace {

struct Authority {
  std::string host;
  std::optional<std::string> port;
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool valid_host_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_';
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "host", "host:port", "[v6]", "[v6]:port" (RFC 9110 7.2); nullopt when malformed. A trailing dot
// (the absolute DNS form) names the same host.
std::optional<Authority> parse_authority(std::string_view text) {
  Authority a;
  std::string_view rest;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    auto inside = text.substr(1, close - 1);
    if (inside.empty() || inside.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
      return std::nullopt;
    }
    a.host = "[" + lower(inside) + "]";
    rest = text.substr(close + 1);
  } else {
    auto colon = text.find(':');
    auto host = text.substr(0, colon);
    if (host.ends_with('.')) {
      host.remove_suffix(1);
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), valid_host_char)) {
      return std::nullopt;
    }
    a.host = lower(host);
    rest = colon == std::string_view::npos ? std::string_view{} : text.substr(colon);
  }
  if (!rest.empty()) {
    if (!rest.starts_with(':') || !all_digits(rest.substr(1))) {
      return std::nullopt;
    }
    a.port = std::string(rest.substr(1));
  }
  return a;
}

}  // namespace

AllowedHosts::AllowedHosts(const std::vector<std::string>& entries) {
  for (const char* loopback : {"localhost", "127.0.0.1", "[::1]"}) {
    entries_.push_back({loopback, std::nullopt});
  }
  for (const auto& entry : entries) {
    std::string_view text = entry;
    bool origin = false;
    for (std::string_view scheme : {"http://", "https://"}) {
      if (text.starts_with(scheme)) {
        text.remove_prefix(scheme.size());
        origin = true;
      }
    }
    auto parsed = parse_authority(text);
    if (!parsed) {
      throw std::invalid_argument("not a host, host:port or http(s) origin: '" + entry + "'");
    }
    if (origin) {
      parsed->port.reset();  // a proxy in front may or may not repeat the default port
    }
    entries_.push_back({std::move(parsed->host), std::move(parsed->port)});
  }
}

bool AllowedHosts::allows(std::optional<std::string_view> authority, unsigned http_version) const {
  if (!authority) {
    return http_version < 11;
  }
  auto parsed = parse_authority(*authority);
  if (!parsed) {
    return false;
  }
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.host == parsed->host && (!e.port || e.port == parsed->port); });
}

}  // namespace ecom::http
