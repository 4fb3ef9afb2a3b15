#include <ecom/platform/http/client_ip.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <stdexcept>
#include <variant>

namespace ecom::http {
namespace ip = boost::asio::ip;

struct TrustedProxies::Impl {
  std::vector<std::variant<ip::network_v4, ip::network_v6>> networks;
};

namespace {

std::optional<ip::address> parse_address(std::string_view text) {
  boost::system::error_code ec;
  auto addr = ip::make_address(text, ec);
  if (ec) {
    return std::nullopt;
  }
  // An IPv4 peer on a dual-stack socket shows up as ::ffff:a.b.c.d.
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, addr.to_v6());
  }
  return addr;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) : impl_(std::make_unique<Impl>()) {
  for (const auto& entry : entries) {
    boost::system::error_code ec;
    std::string text =
        entry.find('/') == std::string::npos ? entry + (entry.find(':') == std::string::npos ? "/32" : "/128") : entry;
    if (text.find(':') == std::string::npos) {
      auto net = ip::make_network_v4(text, ec);
      if (!ec) {
        impl_->networks.emplace_back(net.canonical());
        continue;
      }
    } else {
      auto net = ip::make_network_v6(text, ec);
      if (!ec) {
        impl_->networks.emplace_back(net.canonical());
        continue;
      }
    }
    throw std::invalid_argument("not an IP address or CIDR network: '" + entry + "'");
  }
}

TrustedProxies::~TrustedProxies() = default;
TrustedProxies::TrustedProxies(TrustedProxies&&) noexcept = default;
TrustedProxies& TrustedProxies::operator=(TrustedProxies&&) noexcept = default;

bool TrustedProxies::contains(std::string_view address) const {
  auto addr = parse_address(address);
  if (!addr) {
    return false;
  }
  for (const auto& n : impl_->networks) {
    if (const auto* v4 = std::get_if<ip::network_v4>(&n); v4 != nullptr && addr->is_v4()) {
      auto host = ip::network_v4(addr->to_v4(), v4->prefix_length()).canonical();
      if (host == *v4) {
        return true;
      }
    } else if (const auto* v6 = std::get_if<ip::network_v6>(&n); v6 != nullptr && addr->is_v6()) {
      auto host = ip::network_v6(addr->to_v6(), v6->prefix_length()).canonical();
      if (host == *v6) {
        return true;
      }
    }
  }
  return false;
}

std::string TrustedProxies::client_ip(std::string_view peer, std::optional<std::string_view> forwarded_for) const {
  auto peer_addr = parse_address(peer);
  std::string peer_text = peer_addr ? peer_addr->to_string() : std::string(peer);
  if (!forwarded_for || impl_->networks.empty() || !contains(peer_text)) {
    return peer_text;
  }
  // Walk from the right: each hop was appended by the proxy before it. The first address that is
  // not one of our proxies is the client; anything left of it could have been forged.
  std::string_view list = *forwarded_for;
  while (!list.empty()) {
    auto comma = list.rfind(',');
    std::string_view item = trim(comma == std::string_view::npos ? list : list.substr(comma + 1));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(0, comma);
    auto addr = parse_address(item);
    if (!addr) {
      return peer_text;  // a malformed hop: trust nothing beyond the proxy we know
    }
    if (!contains(addr->to_string())) {
      return addr->to_string();
    }
  }
  return peer_text;
}

std::string TrustedProxies::client_ip(std::string_view peer, const Headers& headers) const {
  std::optional<std::string> joined;
  for (const auto& [name, value] : headers.fields()) {
    if (iequals(name, "X-Forwarded-For")) {
      joined = joined ? *joined + "," + value : value;
    }
  }
  return joined ? client_ip(peer, std::optional<std::string_view>(*joined)) : client_ip(peer, std::nullopt);
}

}  // namespace ecom::http
