#include <ecom/platform/http/allowed_hosts.hpp>

#include <catch2/catch.hpp>

using ecom::http::AllowedHosts;

TEST_CASE("loopback names are allowed on any port, other names only when listed", "[http][hosts]") {
  const AllowedHosts none({});
  CHECK(none.allows("localhost:8081", 11));
  CHECK(none.allows("127.0.0.1:8081", 11));
  CHECK(none.allows("[::1]:8081", 11));
  CHECK(none.allows("LOCALHOST", 11));
  CHECK_FALSE(none.allows("attacker.example:8081", 11));
  CHECK_FALSE(none.allows("127.0.0.1.attacker.example", 11));
  CHECK_FALSE(none.allows("localhost.:8081@evil", 11));
  CHECK_FALSE(none.allows("", 11));
  // HTTP/1.1 must send Host; HTTP/1.0 may not.
  CHECK_FALSE(none.allows(std::nullopt, 11));
  CHECK(none.allows(std::nullopt, 10));
}

TEST_CASE("entries name a host, a host and port, or an origin", "[http][hosts]") {
  const AllowedHosts hosts({"admin.example.com:8443", "https://Shop.Example.com", "[2001:db8::1]", "internal"});
  CHECK(hosts.allows("admin.example.com:8443", 11));
  CHECK_FALSE(hosts.allows("admin.example.com", 11));
  CHECK_FALSE(hosts.allows("admin.example.com:8080", 11));
  CHECK(hosts.allows("shop.example.com", 11));
  CHECK(hosts.allows("shop.example.com.", 11));
  CHECK(hosts.allows("SHOP.example.com:443", 11));
  CHECK(hosts.allows("[2001:DB8::1]:80", 11));
  CHECK(hosts.allows("internal:9000", 11));
  CHECK_FALSE(hosts.allows("shop.example.com:x", 11));
  CHECK_THROWS_AS(AllowedHosts({"shop example"}), std::invalid_argument);
  CHECK_THROWS_AS(AllowedHosts({"https://shop.example.com/path"}), std::invalid_argument);
  CHECK_THROWS_AS(AllowedHosts({"[::1"}), std::invalid_argument);
}
