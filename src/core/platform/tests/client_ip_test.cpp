#include <ecom/platform/http/client_ip.hpp>

#include <catch2/catch.hpp>

using ecom::http::TrustedProxies;

TEST_CASE("without trusted proxies the socket peer is the client", "[client_ip]") {
  TrustedProxies none({});
  CHECK(none.client_ip("203.0.113.9", std::string_view("1.2.3.4")) == "203.0.113.9");
}

TEST_CASE("X-Forwarded-For is believed only from a trusted proxy", "[client_ip]") {
  TrustedProxies proxies({"10.0.0.0/8", "127.0.0.1"});
  // From the proxy: the right-most untrusted hop is the client.
  CHECK(proxies.client_ip("10.1.2.3", std::string_view("198.51.100.7")) == "198.51.100.7");
  CHECK(proxies.client_ip("127.0.0.1", std::string_view("6.6.6.6, 198.51.100.7, 10.9.9.9")) == "198.51.100.7");
  // From anyone else the header is ignored: a client cannot pick its own address.
  CHECK(proxies.client_ip("203.0.113.9", std::string_view("1.2.3.4")) == "203.0.113.9");
  // A malformed hop stops the walk at the proxy.
  CHECK(proxies.client_ip("10.1.2.3", std::string_view("garbage")) == "10.1.2.3");
  // No header: the proxy itself.
  CHECK(proxies.client_ip("10.1.2.3", std::nullopt) == "10.1.2.3");
  // IPv4-mapped IPv6 peers are treated as IPv4.
  CHECK(proxies.client_ip("::ffff:10.1.2.3", std::string_view("198.51.100.7")) == "198.51.100.7");
}

TEST_CASE("trusted proxy entries accept IPv6 networks and reject junk", "[client_ip]") {
  TrustedProxies v6({"fd00::/8", "::1"});
  CHECK(v6.contains("fd12::1"));
  CHECK(v6.contains("::1"));
  CHECK_FALSE(v6.contains("2001:db8::1"));
  CHECK_FALSE(v6.contains("10.0.0.1"));
  CHECK_THROWS_AS(TrustedProxies({"10.0.0.0/33"}), std::invalid_argument);
  CHECK_THROWS_AS(TrustedProxies({"not-an-ip"}), std::invalid_argument);
}

TEST_CASE("repeated X-Forwarded-For fields are one list, in order", "[client_ip]") {
  TrustedProxies proxies({"10.0.0.0/8"});
  ecom::http::Headers headers;
  headers.add("X-Forwarded-For", "1.2.3.4");                 // forged by the client
  headers.add("x-forwarded-for", "198.51.100.7, 10.0.0.5");  // added by our proxies as a field of their own
  CHECK(proxies.client_ip("10.1.2.3", headers) == "198.51.100.7");
  ecom::http::Headers all_proxies;
  all_proxies.add("X-Forwarded-For", "10.0.0.9");
  all_proxies.add("X-Forwarded-For", "10.0.0.5");
  CHECK(proxies.client_ip("10.1.2.3", all_proxies) == "10.1.2.3");
  CHECK(proxies.client_ip("10.1.2.3", ecom::http::Headers{}) == "10.1.2.3");
}
