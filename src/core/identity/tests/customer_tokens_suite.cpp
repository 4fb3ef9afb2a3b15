// Password reset and email verification on every backend (part of the customers suite): the
// service sends its emails through the real mailer to a real SMTP server on loopback
// (tests/support/smtp_server.hpp), and the tests follow the links in them.
#include "customer_tokens_suite.hpp"

#include "smtp_server.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/identity/customers.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/mail/mailer.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ecom::identity::test {
namespace {

constexpr std::int64_t kMinute = 60'000'000;  // microseconds
constexpr std::int64_t kStart = 1'800'000'000'000'000;
constexpr const char* kBase = "https://shop.example";

// Every log line while it lives, to look for secrets in.
struct LogCapture {
  LogCapture() {
    log::set_sink([this](std::string_view line) {
      const std::lock_guard lock(mutex);
      lines.emplace_back(line);
    });
  }
  ~LogCapture() { log::set_sink({}); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  [[nodiscard]] bool contains(std::string_view text) {
    const std::lock_guard lock(mutex);
    return std::any_of(lines.begin(), lines.end(), [&](const auto& l) { return l.find(text) != std::string::npos; });
  }
  std::mutex mutex;
  std::vector<std::string> lines;
};

struct Fixture {
  explicit Fixture(db::Database& database)
      : db(database), mailer(smtp_options()), service(db, hasher, cache, options()) {}

  [[nodiscard]] mail::SmtpOptions smtp_options() const {
    mail::SmtpOptions o;
    o.url = smtp.url();
    o.from = "shop@example.com";
    o.timeout = std::chrono::seconds(10);
    return o;
  }
  [[nodiscard]] CustomerOptions options() {
    CustomerOptions o;
    o.now_us = [this] { return clock.load(); };
    o.mail.mailer = &mailer;
    o.mail.base_url = kBase;
    o.mail.shop_name = "Test shop";
    return o;
  }

  // The n-th email (from 1), once it has arrived.
  [[nodiscard]] ecom::test::SmtpMessage email(std::size_t n) const {
    const auto got = smtp.wait_for(n);
    REQUIRE(got.size() >= n);
    return got[n - 1];
  }

  // Every text value in every table of the database, to look for a secret in.
  [[nodiscard]] bool stored_anywhere(const std::string& secret) const {
    return db.read("", db::Consistency::strong, [&](soci::session& s) {
      const bool pg = db.backend() == db::Backend::postgresql;
      std::vector<std::string> tables;
      std::string name;
      soci::statement list = (s.prepare << (pg ? "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                                               : "SELECT name FROM sqlite_master WHERE type = 'table'"),
                              soci::into(name));
      list.execute();
      while (list.fetch()) {
        tables.push_back(name);
      }
      for (const auto& table : tables) {
        const std::string query = pg ? "SELECT CAST(t AS TEXT) FROM " + table + " t" : "SELECT * FROM " + table;
        const soci::rowset<soci::row> rows = (s.prepare << query);
        for (const auto& row : rows) {
          for (std::size_t i = 0; i < row.size(); ++i) {
            if (row.get_indicator(i) == soci::i_ok && row.get_properties(i).get_data_type() == soci::dt_string &&
                row.get<std::string>(i).find(secret) != std::string::npos) {
              return true;
            }
          }
        }
      }
      return false;
    });
  }

  db::Database& db;
  PasswordHasher hasher;
  cache::LocalCache cache{cache::LocalCacheOptions{}};
  std::atomic<std::int64_t> clock{kStart};
  ecom::test::SmtpServer smtp;
  mail::SmtpMailer mailer;
  CustomerService service;
};

// The token of the link "<kBase><path>?token=..." in an email's text.
std::string token_in(const ecom::test::SmtpMessage& m, std::string_view path) {
  const auto body = m.body();
  const std::string prefix = std::string(kBase) + std::string(path) + "?token=";
  const auto at = body.find(prefix);
  REQUIRE(at != std::string::npos);
  const auto start = at + prefix.size();
  return body.substr(start, body.find_first_of("\r\n", start) - start);
}

core::ErrorCode code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const core::Error& e) {
    return e.code();
  }
  FAIL("no core::Error was thrown");
  return core::ErrorCode::internal;
}

const Registration kAda{"ada@example.com", "correct horse battery", "Ada"};

void check_reset_flow(db::Database& db) {
  LogCapture logs;
  Fixture f(db);
  REQUIRE(f.service.register_customer(kAda, ""));
  const auto old_session = f.service.sign_in("ada@example.com", "correct horse battery", "");
  f.service.request_password_reset(" ADA@example.com", "10.0.0.1");
  const auto m = f.email(2);  // the first is the verification link of the registration
  CHECK(m.to == std::vector<std::string>{"ada@example.com"});
  CHECK(m.header("Subject") == "Reset your password");
  const auto token = token_in(m, "/account/reset-password");
  CHECK(token.size() == 22);
  // Only the token's hash is stored; the log never has it either.
  CHECK_FALSE(f.stored_anywhere(token));
  CHECK(f.stored_anywhere(token_hash(token)));

  CHECK(code_of([&] { f.service.reset_password(token, "short", ""); }) == core::ErrorCode::unprocessable);
  f.service.reset_password(token, "a brand new passphrase", "");
  CHECK_FALSE(f.service.authenticate(old_session.token));  // every session ended
  CHECK(code_of([&] { (void)f.service.sign_in("ada@example.com", "correct horse battery", ""); }) ==
        core::ErrorCode::unauthorized);
  const auto fresh = f.service.sign_in("ada@example.com", "a brand new passphrase", "");
  CHECK(fresh.customer.email_verified);  // the link proved the address
  // Once only.
  CHECK(code_of([&] { f.service.reset_password(token, "yet another passphrase", ""); }) == core::ErrorCode::gone);
  CHECK(code_of([&] { f.service.reset_password("made-up", "yet another passphrase", ""); }) == core::ErrorCode::gone);
  CHECK(f.stored_anywhere("identity.password_reset"));  // the event is in the outbox
  CHECK_FALSE(f.stored_anywhere(token));
  CHECK_FALSE(logs.contains(token));
}

void check_reset_expiry(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(kAda, ""));
  f.service.request_password_reset("ada@example.com", "");
  const auto first = token_in(f.email(2), "/account/reset-password");
  f.service.request_password_reset("ada@example.com", "");
  const auto second = token_in(f.email(3), "/account/reset-password");
  f.clock += 31 * kMinute;  // past the 30 minutes
  CHECK(code_of([&] { f.service.reset_password(first, "a brand new passphrase", ""); }) == core::ErrorCode::gone);
  f.clock -= 2 * kMinute;
  // One reset uses up every other open reset link too.
  f.service.reset_password(second, "a brand new passphrase", "");
  CHECK(code_of([&] { f.service.reset_password(first, "a brand new passphrase", ""); }) == core::ErrorCode::gone);
}

void check_reset_unknown_email(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(kAda, ""));
  (void)f.email(1);
  // An unknown address returns as a known one does, and sends nothing: the next email to arrive is
  // the known one's.
  CHECK_NOTHROW(f.service.request_password_reset("nobody@example.com", ""));
  f.service.request_password_reset("ada@example.com", "");
  const auto got = f.smtp.wait_for(2);
  REQUIRE(got.size() == 2);
  CHECK(got[1].to == std::vector<std::string>{"ada@example.com"});
  CHECK(code_of([&] { f.service.request_password_reset("not an address", ""); }) == core::ErrorCode::unprocessable);
}

void check_reset_throttle(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(kAda, ""));
  for (int i = 0; i < 7; ++i) {
    CHECK_NOTHROW(f.service.request_password_reset("ada@example.com", "10.0.0.9"));
  }
  (void)f.email(6);  // the verification link and five reset links
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(f.smtp.messages().size() == 6);  // the sixth and seventh asked in vain, and were not told so
  // An address that asks for many accounts is refused with 429 (an unknown email counts alike).
  for (int i = 0; i < 43; ++i) {
    f.service.request_password_reset("n" + std::to_string(i) + "@example.com", "10.0.0.9");
  }
  CHECK(code_of([&] { f.service.request_password_reset("x@example.com", "10.0.0.9"); }) ==
        core::ErrorCode::too_many_requests);
  f.clock += 61 * kMinute;
  CHECK_NOTHROW(f.service.request_password_reset("ada@example.com", "10.0.0.9"));
  (void)f.email(7);
}

void check_verification(db::Database& db) {
  LogCapture logs;
  Fixture f(db);
  REQUIRE(f.service.register_customer(kAda, ""));
  const auto m = f.email(1);
  CHECK(m.header("Subject") == "Confirm your email address");
  const auto token = token_in(m, "/account/verify-email");
  CHECK_FALSE(f.stored_anywhere(token));
  const auto session = f.service.sign_in("ada@example.com", "correct horse battery", "");
  CHECK_FALSE(session.customer.email_verified);  // a fresh account signs in, unverified
  const auto verified = f.service.verify_email(token, "");
  CHECK(verified.email_verified);
  CHECK(f.service.customer(session.customer.id).email_verified);
  CHECK(code_of([&] { (void)f.service.verify_email(token, ""); }) == core::ErrorCode::gone);
  CHECK(f.stored_anywhere("identity.customer_verified"));
  // Verified: asking again sends nothing.
  f.service.request_verification(session.customer.id, "");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(f.smtp.messages().size() == 1);
  CHECK_FALSE(logs.contains(token));
}

void check_verification_resend_and_expiry(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(kAda, ""));
  const auto id = f.service.sign_in("ada@example.com", "correct horse battery", "").customer.id;
  f.service.request_verification(id, "");
  const auto token = token_in(f.email(2), "/account/verify-email");
  f.clock += 24 * 60 * kMinute + kMinute;
  CHECK(code_of([&] { (void)f.service.verify_email(token, ""); }) == core::ErrorCode::gone);
  for (int i = 0; i < 5; ++i) {  // a day later the hour's count starts again: five more, then no more
    f.service.request_verification(id, "");
  }
  CHECK(code_of([&] { f.service.request_verification(id, ""); }) == core::ErrorCode::too_many_requests);
  CHECK_FALSE(f.service.customer(id).email_verified);
}

void check_taken_email_notice(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(kAda, ""));
  CHECK_FALSE(f.service.register_customer({"ADA@example.com", "another good passphrase", "Eve"}, ""));
  const auto m = f.email(2);
  CHECK(m.to == std::vector<std::string>{"ada@example.com"});
  CHECK(m.header("Subject") == "Someone tried to sign up with your email address");
  CHECK(m.body().find(std::string(kBase) + "/account/forgot-password") != std::string::npos);
}

}  // namespace

std::vector<ecom::test::SuiteCase<db::Database>> customer_tokens_cases() {
  return {
      {"a reset link by email resets the password once and ends every session", check_reset_flow},
      {"reset links expire, and one reset uses up the others", check_reset_expiry},
      {"a reset for an unknown email returns alike and sends nothing", check_reset_unknown_email},
      {"reset emails are capped per account quietly and per address with 429", check_reset_throttle},
      {"the verification link of a registration verifies the email once", check_verification},
      {"verification links expire and resending them is throttled", check_verification_resend_and_expiry},
      {"the owner of a taken email is told by email", check_taken_email_notice},
  };
}

}  // namespace ecom::identity::test
