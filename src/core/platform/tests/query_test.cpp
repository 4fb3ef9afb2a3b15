// The one query and form parser (http::Params on Boost.URL) and the encoding helpers, without a
// server: decoding, '+', empty values, UTF-8, and the one error behaviour (a malformed escape or
// an undeclared repeat is a 400 naming the parameter).
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/message.hpp>
#include <ecom/platform/http/query.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <string_view>

using ecom::core::Error;
using ecom::core::ErrorCode;
using namespace ecom::http;

namespace {

// "name: reason" of the 400 that f throws.
template <typename F>
std::string bad_parameter_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::bad_request);
    REQUIRE(e.details().size() == 1);
    return e.details().front().name + ": " + e.details().front().reason;
  }
  FAIL("no error thrown");
  return "";
}

}  // namespace

TEST_CASE("parameters are decoded in order, '+' is a space, empty values are kept", "[query]") {
  const auto p = Params::parse("q=red+shoe&limit=20&empty=&flag&&cursor=a%2Fb&plus=1%2B1&sp=a%20b");
  using Item = std::pair<std::string, std::string>;
  CHECK(p.items() == std::vector<Item>{{"q", "red shoe"},
                                       {"limit", "20"},
                                       {"empty", ""},
                                       {"flag", ""},
                                       {"cursor", "a/b"},
                                       {"plus", "1+1"},
                                       {"sp", "a b"}});
  CHECK(p.get("empty") == std::optional<std::string>(""));
  CHECK(p.get("flag") == std::optional<std::string>(""));
  CHECK_FALSE(p.get("missing").has_value());
  CHECK(p.value("missing").empty());
  CHECK(p.has("flag"));
  CHECK(Params::parse("").empty());
  CHECK(Params::parse("&&").empty());
  // Names are decoded too; '=' inside a value stays.
  CHECK(Params::parse("attr.br%61nd=A%3DB=C").get("attr.brand") == "A=B=C");
  // "=x" has an empty name, which a route then refuses as unknown.
  CHECK(Params::parse("=x").items() == std::vector<Item>{{"", "x"}});
}

TEST_CASE("UTF-8 and characters browsers send raw come through", "[query]") {
  CHECK(Params::parse("a=%E2%82%AC").value("a") == "\xE2\x82\xAC");
  CHECK(Params::parse("q=caf\xC3\xA9").value("q") == "caf\xC3\xA9");
  CHECK(Params::parse("q=a|b[c]^{d}\"<>`\\").value("q") == "a|b[c]^{d}\"<>`\\");
  CHECK(Params::parse("q=a:b@c/d?e").value("q") == "a:b@c/d?e");
  CHECK(Params::parse("q=%00").value("q") == std::string(1, '\0'));
}

TEST_CASE("a malformed escape is a 400 naming the parameter", "[query]") {
  CHECK(bad_parameter_of([] { (void)Params::parse("a=1&q=%zz"); }) == "q: is not properly percent-encoded");
  CHECK(bad_parameter_of([] { (void)Params::parse("q=%4"); }) == "q: is not properly percent-encoded");
  CHECK(bad_parameter_of([] { (void)Params::parse("q=100%"); }) == "q: is not properly percent-encoded");
  CHECK(bad_parameter_of([] { (void)Params::parse("q=%4&b=2"); }) == "q: is not properly percent-encoded");
  // In a name: named as sent; a decodable name is named decoded.
  CHECK(bad_parameter_of([] { (void)Params::parse("a%zz=1"); }) == "a%zz: is not properly percent-encoded");
  CHECK(bad_parameter_of([] { (void)Params::parse("min+price=%G1"); }) == "min price: is not properly percent-encoded");
  CHECK(bad_parameter_of([] { (void)Params::parse("x=%zz", {"*"}); }) == "x: is not properly percent-encoded");
}

TEST_CASE("a repeated name is a 400 unless declared repeatable", "[query]") {
  CHECK(bad_parameter_of([] { (void)Params::parse("limit=1&q=a&limit=2"); }) == "limit: given more than once");
  // The same name however it is encoded.
  CHECK(bad_parameter_of([] { (void)Params::parse("q=a&%71=b"); }) == "q: given more than once");
  CHECK(bad_parameter_of([] { (void)Params::parse("flag&flag="); }) == "flag: given more than once");

  const auto facets =
      Params::parse("attr.colour=red&attr.colour=blue&attr.size=M&category=a&category=b", {"attr.*", "category"});
  CHECK(facets.all("attr.colour") == std::vector<std::string>{"red", "blue"});
  CHECK(facets.all("category") == std::vector<std::string>{"a", "b"});
  CHECK(facets.all("attr.size") == std::vector<std::string>{"M"});
  CHECK(facets.get("attr.colour") == "red");
  // A prefix covers longer names only, and nothing else.
  CHECK(bad_parameter_of([] { (void)Params::parse("attr.=a&attr.=b", {"attr.*"}); }) == "attr.: given more than once");
  CHECK(bad_parameter_of([] { (void)Params::parse("attr.c=a&q=1&q=2", {"attr.*"}); }) == "q: given more than once");
  CHECK(Params::parse("a=1&a=2&=3&=4", {"*"}).all("a").size() == 2);
}

TEST_CASE("unknown names are refused by name", "[query]") {
  static constexpr std::array<std::string_view, 3> kAllowed = {"q", "limit", "attr.*"};
  Params::parse("q=1&limit=2&attr.colour=red").allow_only(kAllowed);
  CHECK(bad_parameter_of([] { Params::parse("q=1&limt=2").allow_only(kAllowed); }) == "limt: unknown parameter");
  CHECK(bad_parameter_of([] { Params::parse("attr.=x").allow_only(kAllowed); }) == "attr.: unknown parameter");
  CHECK(bad_parameter_of([] { Params::parse("q=1").allow_only({}); }) == "q: unknown parameter");
  Params::parse("").allow_only({});
}

TEST_CASE("Request::query_param uses the same rules for the name it reads", "[query]") {
  Request r;
  r.query = "q=red+shoe&attr.c=a&attr.c=b&empty";
  CHECK(r.query_param("q") == "red shoe");
  CHECK(r.query_param("empty") == "");
  CHECK_FALSE(r.query_param("missing").has_value());
  CHECK(bad_parameter_of([&] { (void)r.query_param("attr.c"); }) == "attr.c: given more than once");
  r.query = "q=1&cursor=%zz";
  CHECK(bad_parameter_of([&] { (void)r.query_param("q"); }) == "cursor: is not properly percent-encoded");
}

TEST_CASE("links are built with RFC 3986 escapes", "[query]") {
  CHECK(encode_component("a b&c=d/\xC3\xA9+~_.-") == "a%20b%26c%3Dd%2F%C3%A9%2B~_.-");
  CHECK(encode_component("") == "");
  CHECK(build_query({{"q", "red shoe"}, {"attr.colour", "<b>"}}) == "q=red%20shoe&attr.colour=%3Cb%3E");
  CHECK(build_query({}) == "");
  // What a link carries comes back as it was.
  const std::string odd = "50% off & more = \xE2\x82\xAC+1";
  CHECK(Params::parse(build_query({{"q", odd}})).value("q") == odd);
}

TEST_CASE("percent_decode checks escapes", "[query]") {
  CHECK(percent_decode("/a%20b") == "/a b");
  CHECK(percent_decode("a+b") == "a+b");
  CHECK(percent_decode("a+b", true) == "a b");
  for (const auto* bad : {"%", "%4", "%zz", "abc%2", "%%41"}) {
    INFO(bad);
    CHECK_FALSE(percent_decode(bad).has_value());
  }
}

TEST_CASE("an origin is http(s)://host[:port] and nothing more", "[query]") {
  for (const auto* good : {"http://localhost:8080", "https://shop.example.com", "http://127.0.0.1:1", "HTTPS://A.B"}) {
    INFO(good);
    CHECK(is_origin(good));
  }
  for (const auto* bad : {"", "localhost:8080", "ftp://example.com", "https://example.com/", "https://example.com/shop",
                          "https://example.com?x", "https://example.com#top", "https://user@example.com", "https://",
                          "https://:80", "https://exa_mple.com", "https://-a.com", "https://.a.com", "https://a.com:",
                          "https://a.com:123456", "https://a.com:8x", "https://a%2Eb.com", "http://exa mple.com"}) {
    INFO(bad);
    CHECK_FALSE(is_origin(bad));
  }
}
