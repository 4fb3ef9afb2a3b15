// The client's address: the socket peer, or the right-most address of X-Forwarded-For that is not
// itself a trusted proxy, but only when the peer is a configured trusted proxy. Anything else lets
// a client spoof its address past rate limits and audit logs.
#pragma once

#include <ecom/platform/http/message.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::http {

class TrustedProxies {
 public:
  // Entries are addresses or CIDR networks ("10.0.0.0/8", "::1"). Throws std::invalid_argument
  // naming a bad entry.
  explicit TrustedProxies(const std::vector<std::string>& entries);
  ~TrustedProxies();
  TrustedProxies(TrustedProxies&&) noexcept;
  TrustedProxies& operator=(TrustedProxies&&) noexcept;

  [[nodiscard]] bool contains(std::string_view address) const;
  [[nodiscard]] std::string client_ip(std::string_view peer, std::optional<std::string_view> forwarded_for) const;
  // Every X-Forwarded-For field of the request, in order, as one comma-separated list (RFC 9110
  // 5.3): a proxy may add a field of its own instead of appending to the client's, and reading only
  // the first would then believe the client's forged hops.
  [[nodiscard]] std::string client_ip(std::string_view peer, const Headers& headers) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecom::http
