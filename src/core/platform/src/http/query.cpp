#include <ecom/platform/error.hpp>
#include <ecom/platform/http/query.hpp>

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>

namespace ecom::http {
namespace {

namespace urls = boost::urls;

// What the query grammar lets through unencoded (RFC 3986 3.4), without '%'. Encoding a raw query
// with it first escapes each '%' and every byte a browser sends raw but the grammar refuses ('[',
// '|', '^', UTF-8 bytes, ...), so Boost.URL always splits it; each name and value is then decoded
// on its own, and a malformed escape is known by the parameter it is in.
constexpr auto kQueryChars = urls::pchars + urls::grammar::lut_chars("/?");

bool matches(std::string_view name, std::string_view pattern) noexcept {
  if (pattern == "*") {
    return true;
  }
  if (pattern.ends_with('*')) {
    const auto prefix = pattern.substr(0, pattern.size() - 1);
    return name.size() > prefix.size() && name.starts_with(prefix);
  }
  return name == pattern;
}

template <typename Names>
bool listed(std::string_view name, const Names& names) noexcept {
  return std::any_of(names.begin(), names.end(), [&](std::string_view pattern) { return matches(name, pattern); });
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space) {
  const auto checked = urls::make_pct_string_view(in);
  if (!checked) {
    return std::nullopt;
  }
  return checked->decode(urls::encoding_opts(plus_as_space));
}

Params Params::parse(std::string_view encoded, Names repeatable) {
  const auto escaped = urls::encode(encoded, kQueryChars);
  const auto view = urls::parse_query(escaped);
  if (!view) {
    // Unreachable: every byte outside the grammar was escaped above.
    throw core::Error(core::ErrorCode::bad_request, "the query string is malformed");
  }
  Params params;
  for (const auto& param : *view) {
    if (param.key.empty() && !param.has_value) {
      continue;  // "a=1&&b=2"
    }
    // Undo the escaping above, which gives the parameter as sent, then decode it for real.
    const auto raw_name = param.key.decode();
    auto name = percent_decode(raw_name, true);
    if (!name) {
      throw core::Error::bad_parameter(raw_name, "is not properly percent-encoded");
    }
    auto value = percent_decode(param.has_value ? param.value.decode() : std::string(), true);
    if (!value) {
      throw core::Error::bad_parameter(std::move(*name), "is not properly percent-encoded");
    }
    if (!listed(*name, repeatable) && params.has(*name)) {
      throw core::Error::bad_parameter(std::move(*name), "given more than once");
    }
    params.items_.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

std::optional<std::string> Params::get(std::string_view name) const {
  const auto it = std::find_if(items_.begin(), items_.end(), [&](const auto& item) { return item.first == name; });
  if (it == items_.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::string Params::value(std::string_view name) const {
  return get(name).value_or("");
}

std::vector<std::string> Params::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : items_) {
    if (key == name) {
      out.push_back(value);
    }
  }
  return out;
}

void Params::allow_only(std::span<const std::string_view> allowed) const {
  for (const auto& item : items_) {
    if (!listed(item.first, allowed)) {
      throw core::Error::bad_parameter(item.first, "unknown parameter");
    }
  }
}

std::string encode_component(std::string_view text) {
  return urls::encode(text, urls::unreserved_chars);
}

std::string build_query(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) {
      out.push_back('&');
    }
    out += encode_component(name);
    out.push_back('=');
    out += encode_component(value);
  }
  return out;
}

bool is_origin(std::string_view url) {
  const auto parsed = urls::parse_absolute_uri(url);
  if (!parsed) {
    return false;
  }
  const auto& u = *parsed;
  if ((u.scheme_id() != urls::scheme::http && u.scheme_id() != urls::scheme::https) || u.has_userinfo() ||
      !u.encoded_path().empty() || u.has_query() || u.has_fragment()) {
    return false;
  }
  // A DNS name or an IPv4 address: Boost.URL's reg-name also allows escapes and sub-delims.
  const std::string_view host = u.encoded_host();
  const bool name_chars = std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
  if (host.empty() || !name_chars || host.front() == '.' || host.front() == '-') {
    return false;
  }
  return !u.has_port() || (!u.port().empty() && u.port().size() <= 5);
}

}  // namespace ecom::http
