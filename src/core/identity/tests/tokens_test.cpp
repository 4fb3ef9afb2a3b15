// Random tokens and their stored hashes (tokens.hpp).
#include <ecom/identity/tokens.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>

using namespace ecom::identity;

TEST_CASE("tokens: 128 bits or more of base64url, never the same twice", "[identity][tokens]") {
  const auto token = new_token();
  CHECK(token.size() == 22);
  CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
  CHECK(new_token(32).size() == 43);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    seen.insert(new_token());
  }
  CHECK(seen.size() == 1000);
  CHECK_THROWS_AS(new_token(15), std::invalid_argument);
}

TEST_CASE("tokens: stored as the hex SHA-256 of their text", "[identity][tokens]") {
  // FIPS 180-2's "abc" vector.
  CHECK(token_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(token_hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const auto token = new_token();
  CHECK(token_hash(token) == token_hash(token));
  CHECK(token_hash(token) != token_hash(token + "x"));
}

TEST_CASE("recovery codes: ten of two base32 groups, matched however they are typed", "[identity][tokens]") {
  const auto codes = new_recovery_codes();
  REQUIRE(codes.size() == 10);
  CHECK(std::set<std::string>(codes.begin(), codes.end()).size() == 10);
  for (const auto& code : codes) {
    REQUIRE(code.size() == 11);
    CHECK(code[5] == '-');
    CHECK(code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567-") == std::string::npos);
  }
  const auto& code = codes.front();
  std::string typed;
  for (const char c : code) {
    if (c != '-') {
      typed += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
  }
  CHECK(normalize_recovery_code(typed) == code);
  CHECK(normalize_recovery_code(" " + typed.substr(0, 5) + " " + typed.substr(5) + " ") == code);
  CHECK(normalize_recovery_code("abc") != code);
}

TEST_CASE("a session's CSRF token is derived from it, and is neither the token nor its stored hash",
          "[identity][tokens]") {
  const auto session = new_token();
  CHECK(csrf_token_for(session) == csrf_token_for(session));
  CHECK(csrf_token_for(session) != csrf_token_for(new_token()));
  CHECK(csrf_token_for(session) != token_hash(session));
  CHECK(csrf_token_for(session).find(session) == std::string::npos);
  CHECK(csrf_token_for(session).size() == 64);
}

TEST_CASE("secrets compare equal only when every byte is", "[identity][tokens]") {
  CHECK(equal_secrets("abc", "abc"));
  CHECK(equal_secrets("", ""));
  CHECK_FALSE(equal_secrets("abc", "abd"));
  CHECK_FALSE(equal_secrets("abc", "abcd"));
  CHECK_FALSE(equal_secrets("", "a"));
}
