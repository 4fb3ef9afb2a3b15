// The names a server answers to. A request whose Host (or absolute-form authority) is not one of
// them is refused before routing: otherwise a page a staff member opens can rebind its own DNS
// name to 127.0.0.1 and drive the loopback admin, whose CSRF check compares Origin with that very
// Host. localhost, 127.0.0.1 and [::1] are always allowed: an attacker's page cannot make a browser
// send them, and tools on the machine use them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::http {

class AllowedHosts {
 public:
  // Entries are "host" (any port), "host:port", "[v6]" or "[v6]:port", or an origin
  // ("https://shop.example.com", its host on any port). Names compare case-insensitively. Throws
  // std::invalid_argument naming a malformed entry.
  explicit AllowedHosts(const std::vector<std::string>& entries);

  // authority: the Host header's value (or the absolute-form target's authority); nullopt when the
  // request had none, which only HTTP/1.0 may do (RFC 9112 3.2).
  [[nodiscard]] bool allows(std::optional<std::string_view> authority, unsigned http_version) const;

 private:
  struct Entry {
    std::string host;                 // lower-case, IPv6 in brackets
    std::optional<std::string> port;  // nullopt: any port
  };
  std::vector<Entry> entries_;
};

}  // namespace ecom::http
