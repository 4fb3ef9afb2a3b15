// TOTP (totp.hpp) against RFC 6238's test vectors and RFC 4648's base32 vectors, the one-step
// drift window, and the otpauth:// URI.
#include <ecom/identity/totp.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace ecom::identity;

TEST_CASE("totp: RFC 6238 appendix B, HMAC-SHA1, 8 digits", "[identity][totp]") {
  const std::string secret = "12345678901234567890";
  CHECK(totp_code(secret, 59, 8) == "94287082");
  CHECK(totp_code(secret, 1111111109, 8) == "07081804");
  CHECK(totp_code(secret, 1111111111, 8) == "14050471");
  CHECK(totp_code(secret, 1234567890, 8) == "89005924");
  CHECK(totp_code(secret, 2000000000, 8) == "69279037");
  CHECK(totp_code(secret, 20000000000, 8) == "65353130");
  // Six digits are the last six of the same number.
  CHECK(totp_code(secret, 59) == "287082");
  CHECK(totp_code(secret, 1111111109) == "081804");
  CHECK_THROWS_AS(totp_code(secret, 59, 5), std::invalid_argument);
}

TEST_CASE("totp: a code matches its step and one either side, nothing further", "[identity][totp]") {
  const auto secret = new_totp_secret();
  CHECK(secret.size() == 20);
  const std::int64_t now = 1'800'000'000;
  const auto step = now / kTotpStep;
  CHECK(totp_match(secret, totp_code(secret, now), now) == step);
  CHECK(totp_match(secret, totp_code(secret, now - kTotpStep), now) == step - 1);
  CHECK(totp_match(secret, totp_code(secret, now + kTotpStep), now) == step + 1);
  const auto far = totp_code(secret, now - 3 * kTotpStep);
  if (far != totp_code(secret, now) && far != totp_code(secret, now - kTotpStep) &&
      far != totp_code(secret, now + kTotpStep)) {
    CHECK_FALSE(totp_match(secret, far, now));
  }
  CHECK_FALSE(totp_match(secret, "12345", now));
  CHECK_FALSE(totp_match(secret, "12345a", now));
  CHECK_FALSE(totp_match(secret, "1234567", now));
  CHECK_FALSE(totp_match(new_totp_secret(), totp_code(secret, now), now) == step);
}

TEST_CASE("base32: RFC 4648 section 10 vectors, both ways", "[identity][totp]") {
  CHECK(base32_encode("") == "");
  CHECK(base32_encode("f") == "MY");
  CHECK(base32_encode("fo") == "MZXQ");
  CHECK(base32_encode("foo") == "MZXW6");
  CHECK(base32_encode("foob") == "MZXW6YQ");
  CHECK(base32_encode("fooba") == "MZXW6YTB");
  CHECK(base32_encode("foobar") == "MZXW6YTBOI");
  CHECK(base32_decode("MZXW6YTBOI") == "foobar");
  CHECK(base32_decode("mzxw 6ytb oi======") == "foobar");
  CHECK(base32_decode("MZXW6YQ=") == "foob");
  CHECK_FALSE(base32_decode("MZXW1"));  // 1 is not in the alphabet
  const auto secret = new_totp_secret();
  CHECK(base32_decode(base32_encode(secret)) == secret);
}

TEST_CASE("totp: the otpauth URI that authenticator apps scan", "[identity][totp]") {
  CHECK(totp_uri("Shop & Co", "ada@example.com", "12345678901234567890") ==
        "otpauth://totp/Shop%20%26%20Co:ada%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        "&issuer=Shop%20%26%20Co&algorithm=SHA1&digits=6&period=30");
}
