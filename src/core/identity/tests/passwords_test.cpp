// Password rules and Argon2id hashing (passwords.hpp): every refusal names the field, hashes are
// PHC strings at the configured cost that verify the right password only, lower old costs ask for
// a rehash, and a full set of hashing slots answers 503 with Retry-After instead of queueing.
#include "eventually.hpp"

#include <ecom/identity/passwords.hpp>
#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <string>

using namespace ecom;
using ecom::identity::check_new_password;
using ecom::identity::HashingOptions;
using ecom::identity::PasswordHasher;

namespace {

// The reason given for refusing password, or "" when it was accepted.
std::string refusal(std::string_view password, const identity::PasswordRules& rules = identity::kCustomerPasswords,
                    std::string_view email = "ada@example.com") {
  try {
    check_new_password(password, rules, email);
  } catch (const core::Error& e) {
    CHECK(e.code() == core::ErrorCode::unprocessable);
    REQUIRE(e.details().size() == 1);
    CHECK(e.details()[0].name == "password");
    return e.details()[0].reason;
  }
  return "";
}

}  // namespace

TEST_CASE("new passwords: length in characters, the common list, the email, no class rules", "[identity][passwords]") {
  CHECK(refusal("correct horse battery") == "");
  CHECK(refusal("abcdefgh") == "");  // only letters is fine: no character-class rules
  CHECK(refusal("seven77").find("at least 8") != std::string::npos);
  CHECK(refusal(std::string(128, 'x')) == "");
  CHECK(refusal(std::string(129, 'x')).find("at most 128") != std::string::npos);
  // Characters, not bytes: eight two-byte letters are eight characters, and emoji count once.
  CHECK(refusal("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9") == "");
  CHECK(refusal("\xF0\x9F\x94\x91\xF0\x9F\x94\x91\xF0\x9F\x94\x91"
                "abc")
            .find("at least 8") != std::string::npos);
  // Spaces are allowed; control characters and broken UTF-8 are not.
  CHECK(refusal("pass\tword123").find("printable") != std::string::npos);
  CHECK(refusal(std::string("password\0"
                            "123",
                            12))
            .find("printable") != std::string::npos);
  CHECK(refusal("abc\xC3"
                "(defgh")
            .find("printable") != std::string::npos);
  CHECK(refusal("\xC0\xAF\xC0\xAF\xC0\xAF\xC0\xAF").find("printable") != std::string::npos);  // overlong '/'
  // The list, whatever the case.
  CHECK(refusal("password").find("common") != std::string::npos);
  CHECK(refusal("PassWord1").find("common") != std::string::npos);
  CHECK(refusal("12345678").find("common") != std::string::npos);
  CHECK(identity::is_common_password("qwerty"));
  CHECK_FALSE(identity::is_common_password("correct horse battery"));
  CHECK_FALSE(
      identity::is_common_password("#!comment: This list has been compiled by Solar Designer of Openwall Project"));
  // The account's own address, or its local part.
  CHECK(refusal("Ada@Example.com").find("email") != std::string::npos);
  CHECK(refusal("adalovelace", identity::kCustomerPasswords, "adalovelace@example.com").find("email") !=
        std::string::npos);
  // Staff need 12.
  CHECK(refusal("elevenchars", identity::kStaffPasswords).find("at least 12") != std::string::npos);
  CHECK(refusal("twelve chars", identity::kStaffPasswords) == "");
}

TEST_CASE("hashing: Argon2id PHC strings at the configured cost, salted, verified", "[identity][passwords]") {
  PasswordHasher hasher;
  const auto stored = hasher.hash("correct horse battery");
  CHECK(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
  CHECK(stored != hasher.hash("correct horse battery"));  // a fresh salt each time
  CHECK(hasher.verify("correct horse battery", stored).matches);
  CHECK_FALSE(hasher.verify("correct horse batterY", stored).matches);
  CHECK_FALSE(hasher.verify("correct horse battery", stored).needs_rehash);
  // Not a hash at all, or another algorithm: no match, no crash.
  for (const std::string_view bad : {"", "plain text", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
                                     "$2b$12$abcdefghijklmnopqrstuv", "$argon2id$v=19$m=19456,t=2,p=1$$"}) {
    CHECK_FALSE(hasher.verify("plain text", bad).matches);
  }
  hasher.verify_nobody("anything");  // costs a verify, matches nothing
}

TEST_CASE("hashing: a hash made at lower costs asks to be redone", "[identity][passwords]") {
  HashingOptions today;
  today.passes = 3;
  PasswordHasher old_cost;  // t = 2
  PasswordHasher new_cost(today);
  const auto stored = old_cost.hash("correct horse battery");
  const auto verdict = new_cost.verify("correct horse battery", stored);
  CHECK(verdict.matches);
  CHECK(verdict.needs_rehash);
  CHECK_FALSE(new_cost.verify("correct horse battery", new_cost.hash("correct horse battery")).needs_rehash);
  // A wrong password says nothing about the stored costs.
  CHECK_FALSE(new_cost.verify("wrong horse battery", stored).needs_rehash);
}

TEST_CASE("hashing: costs below ASVS's floor are refused", "[identity][passwords]") {
  HashingOptions weak;
  weak.passes = 1;
  CHECK_THROWS_AS(PasswordHasher(weak), std::invalid_argument);
  HashingOptions small;
  small.memory_bytes = std::size_t{16} * 1024 * 1024;
  CHECK_THROWS_AS(PasswordHasher(small), std::invalid_argument);
  HashingOptions none;
  none.slots = 0;
  CHECK_THROWS_AS(PasswordHasher(none), std::invalid_argument);
}

TEST_CASE("hashing: with every slot and the queue taken, callers get 503 with Retry-After", "[identity][passwords]") {
  HashingOptions options;
  options.slots = 1;
  options.queue = 1;
  // Slow enough (about a second here) that the slot is still taken when the test looks.
  options.memory_bytes = std::size_t{128} * 1024 * 1024;
  options.passes = 6;
  // The waiting caller must get its turn however slow the machine is: the hashing threads run
  // niced, so a busy machine can stretch the first hash past the default 5 s wait.
  options.max_wait = std::chrono::seconds(120);
  PasswordHasher hasher(options);
  auto running = std::async(std::launch::async, [&] { return hasher.hash("correct horse battery"); });
  REQUIRE(test::eventually([&] { return hasher.load().running == 1; }));
  auto waiting = std::async(std::launch::async, [&] { return hasher.hash("correct horse battery"); });
  REQUIRE(test::eventually([&] { return hasher.load().waiting == 1; }));
  try {
    (void)hasher.hash("correct horse battery");
    FAIL("a third caller was let in past one slot and a queue of one");
  } catch (const core::Error& e) {
    CHECK(e.code() == core::ErrorCode::unavailable);
    REQUIRE(e.retry_after());
    CHECK(e.retry_after()->count() == 1);
  }
  // The one that waited gets its turn; afterwards every slot is free again.
  CHECK(running.get().starts_with("$argon2id$"));
  CHECK(waiting.get().starts_with("$argon2id$"));
  CHECK(hasher.load().running == 0);
  CHECK(hasher.load().waiting == 0);
}

TEST_CASE("hashing: a caller that waits past max_wait is told to retry", "[identity][passwords]") {
  HashingOptions options;
  options.slots = 1;
  options.queue = 4;
  options.memory_bytes = std::size_t{128} * 1024 * 1024;
  options.passes = 6;
  options.max_wait = std::chrono::milliseconds(20);
  PasswordHasher hasher(options);
  auto first = std::async(std::launch::async, [&] { return hasher.hash("correct horse battery"); });
  REQUIRE(test::eventually([&] { return hasher.load().running == 1; }));
  const auto start = std::chrono::steady_clock::now();
  try {
    (void)hasher.hash("correct horse battery");
    FAIL("the caller got a slot that was taken");
  } catch (const core::Error& e) {
    CHECK(e.code() == core::ErrorCode::unavailable);
  }
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(20));
  CHECK(hasher.load().waiting == 0);
  CHECK(first.get().starts_with("$argon2id$"));
}
