// The checks of the customers suite (customers_suite.hpp). Each gets a fresh, migrated database;
// the clock is the test's own, so expiry is tested without waiting.
#include "customers_suite.hpp"

#include "customer_tokens_suite.hpp"
#include "eventually.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/identity/addresses.hpp>
#include <ecom/identity/customers.hpp>
#include <ecom/identity/events.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/messaging/admin.hpp>
#include <ecom/messaging/worker.hpp>
#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <string>

namespace ecom::identity::test {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kMinute = 60'000'000;  // microseconds
constexpr std::int64_t kStart = 1'800'000'000'000'000;

struct Fixture {
  explicit Fixture(db::Database& database, SessionLimits limits = {}, ThrottleRules throttle = {})
      : db(database),
        service(db, hasher, cache, CustomerOptions{limits, throttle, [this] { return clock.load(); }, {}}) {}

  [[nodiscard]] long long count(const std::string& sql) const {
    return db.read("", db::Consistency::strong, [&](soci::session& s) {
      long long n = 0;
      s << sql, soci::into(n);
      return n;
    });
  }
  [[nodiscard]] std::string stored_hash(const std::string& email) const {
    return db.read("", db::Consistency::strong, [&](soci::session& s) {
      std::string hash;
      s << "SELECT password_hash FROM customers WHERE email = :email", soci::use(email, "email"), soci::into(hash);
      return hash;
    });
  }

  db::Database& db;
  PasswordHasher hasher;
  cache::LocalCache cache{cache::LocalCacheOptions{}};
  std::atomic<std::int64_t> clock{kStart};
  CustomerService service;
};

Registration ada(std::string email = "Ada@Example.com ", std::string password = "correct horse battery") {
  return Registration{std::move(email), std::move(password), "  Ada Lovelace "};
}

// The error a call throws: its code, and the name of its first field error ("" when none).
std::pair<core::ErrorCode, std::string> refusal(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const core::Error& e) {
    return {e.code(), e.details().empty() ? "" : e.details()[0].name};
  }
  FAIL("no core::Error was thrown");
  return {core::ErrorCode::internal, ""};
}

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const core::Error& e) {
    CHECK(e.code() == core::ErrorCode::unauthorized);
    return e.message();
  }
  FAIL("no core::Error was thrown");
  return "";
}

void check_register_and_sign_in(db::Database& db) {
  Fixture f(db);
  CHECK(f.service.register_customer(ada(), "127.0.0.1"));
  // Stored normalised, hashed with Argon2id; the password itself is nowhere.
  CHECK(f.stored_hash("ada@example.com").starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
  CHECK(f.count("SELECT COUNT(*) FROM customers WHERE password_hash LIKE '%correct horse%'") == 0);
  const auto signed_in = f.service.sign_in("ADA@example.com", "correct horse battery", "127.0.0.1");
  CHECK(signed_in.token.size() == 22);
  CHECK(signed_in.customer.email == "ada@example.com");
  CHECK(signed_in.customer.name == "Ada Lovelace");
  CHECK_FALSE(signed_in.customer.email_verified);
  CHECK(signed_in.expires_at == kStart + 30 * 24 * 60 * kMinute);
  const auto who = f.service.authenticate(signed_in.token);
  REQUIRE(who);
  CHECK(who->id == signed_in.customer.id);
  CHECK(f.service.customer(who->id).email == "ada@example.com");
  CHECK_FALSE(f.service.authenticate(signed_in.token + "x"));
  CHECK_FALSE(f.service.authenticate(""));
  CHECK(refusal([&] { (void)f.service.customer(987654); }).first == core::ErrorCode::not_found);
}

void check_taken_email(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(ada(), ""));
  // The same address in another case: nothing is created and nothing changes, and the caller
  // learns it only from the return value (which it never shows).
  CHECK_FALSE(f.service.register_customer(ada("ADA@EXAMPLE.COM", "another good passphrase"), ""));
  CHECK(f.count("SELECT COUNT(*) FROM customers") == 1);
  CHECK_NOTHROW((void)f.service.sign_in("ada@example.com", "correct horse battery", ""));
  CHECK(refusal([&] { (void)f.service.sign_in("ada@example.com", "another good passphrase", ""); }).first ==
        core::ErrorCode::unauthorized);
}

void check_invalid_registrations(db::Database& db) {
  Fixture f(db);
  using core::ErrorCode;
  for (const auto* email : {"", "ada", "ada@", "@example.com", "ada@example", "a da@example.com", "ada@@example.com",
                            "ada@example.com.", "<ada@example.com>"}) {
    INFO(email);
    CHECK(refusal([&] { (void)f.service.register_customer(ada(email), ""); }) ==
          std::pair{ErrorCode::unprocessable, std::string("email")});
  }
  CHECK(refusal([&] { (void)f.service.register_customer(ada("ada@example.com", "password1"), ""); }) ==
        std::pair{ErrorCode::unprocessable, std::string("password")});
  CHECK(refusal([&] { (void)f.service.register_customer(ada("ada@example.com", "short"), ""); }) ==
        std::pair{ErrorCode::unprocessable, std::string("password")});
  CHECK(refusal([&] { (void)f.service.register_customer(ada("ada@example.com", "ada@example.com"), ""); }) ==
        std::pair{ErrorCode::unprocessable, std::string("password")});
  Registration long_name = ada();
  long_name.name = std::string(201, 'n');
  CHECK(refusal([&] { (void)f.service.register_customer(long_name, ""); }) ==
        std::pair{ErrorCode::unprocessable, std::string("name")});
  CHECK(f.count("SELECT COUNT(*) FROM customers") == 0);
}

void check_wrong_credentials_look_alike(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(ada(), ""));
  const auto wrong_password =
      message_of([&] { (void)f.service.sign_in("ada@example.com", "wrong horse battery", ""); });
  const auto unknown_email =
      message_of([&] { (void)f.service.sign_in("bob@example.com", "correct horse battery", ""); });
  const auto not_an_email = message_of([&] { (void)f.service.sign_in("bob", "correct horse battery", ""); });
  CHECK(wrong_password == unknown_email);
  CHECK(wrong_password == not_an_email);
  CHECK(f.count("SELECT COUNT(*) FROM customer_sessions") == 0);
}

void check_sessions(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(ada(), ""));
  const auto first = f.service.sign_in("ada@example.com", "correct horse battery", "");
  const auto second = f.service.sign_in("ada@example.com", "correct horse battery", "");
  // A new token at every sign-in (no fixation), each stored only as its hash.
  CHECK(first.token != second.token);
  CHECK(f.count("SELECT COUNT(*) FROM customer_sessions") == 2);
  CHECK(f.count("SELECT COUNT(*) FROM customer_sessions WHERE token_hash = '" + token_hash(first.token) + "'") == 1);
  CHECK(f.count("SELECT COUNT(*) FROM customer_sessions WHERE token_hash = '" + first.token + "'") == 0);
  f.service.sign_out(first.token);
  CHECK_FALSE(f.service.authenticate(first.token));
  CHECK(f.service.authenticate(second.token));
  f.service.sign_out(first.token);  // again: not an error
  const auto third = f.service.sign_in("ada@example.com", "correct horse battery", "");
  f.service.sign_out_everywhere(third.customer.id);
  CHECK_FALSE(f.service.authenticate(second.token));
  CHECK_FALSE(f.service.authenticate(third.token));
  CHECK(f.count("SELECT COUNT(*) FROM customer_sessions") == 0);
}

void check_idle_and_absolute_expiry(db::Database& db) {
  Fixture f(db, SessionLimits{30min, 2h});
  REQUIRE(f.service.register_customer(ada(), ""));
  const auto session = f.service.sign_in("ada@example.com", "correct horse battery", "");
  // Used every 29 minutes: the idle limit never strikes...
  for (int i = 0; i < 4; ++i) {
    f.clock += 29 * kMinute;
    INFO("after " << (i + 1) * 29 << " minutes");
    REQUIRE(f.service.authenticate(session.token));
  }
  // ...but the absolute one does, at two hours however busy the session is.
  f.clock += 5 * kMinute;  // 121 minutes
  CHECK_FALSE(f.service.authenticate(session.token));
  CHECK(f.count("SELECT COUNT(*) FROM customer_sessions") == 0);

  const auto idle = f.service.sign_in("ada@example.com", "correct horse battery", "");
  f.clock += 30 * kMinute;
  CHECK_FALSE(f.service.authenticate(idle.token));
  CHECK(f.count("SELECT COUNT(*) FROM customer_sessions") == 0);
}

void check_change_password(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(ada(), ""));
  const auto elsewhere = f.service.sign_in("ada@example.com", "correct horse battery", "");
  const auto id = elsewhere.customer.id;
  CHECK(refusal([&] {
          (void)f.service.change_password(id, "wrong horse battery", "a new long passphrase", "");
        }).first == core::ErrorCode::unauthorized);
  CHECK(refusal([&] { (void)f.service.change_password(id, "correct horse battery", "qwertyuiop", ""); }) ==
        std::pair{core::ErrorCode::unprocessable, std::string("new_password")});
  CHECK(f.service.authenticate(elsewhere.token));  // the refusals changed nothing
  const auto here = f.service.change_password(id, "correct horse battery", "a new long passphrase", "");
  CHECK_FALSE(f.service.authenticate(elsewhere.token));
  CHECK(f.service.authenticate(here.token));
  CHECK(refusal([&] { (void)f.service.sign_in("ada@example.com", "correct horse battery", ""); }).first ==
        core::ErrorCode::unauthorized);
  CHECK_NOTHROW((void)f.service.sign_in("ada@example.com", "a new long passphrase", ""));
}

void check_rename(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(ada(), ""));
  const auto id = f.service.sign_in("ada@example.com", "correct horse battery", "").customer.id;
  CHECK(f.service.rename(id, "  Augusta Ada King ", "").name == "Augusta Ada King");
  CHECK(f.service.customer(id).name == "Augusta Ada King");
  CHECK(refusal([&] { (void)f.service.rename(id, std::string(201, 'n'), ""); }) ==
        std::pair{core::ErrorCode::unprocessable, std::string("name")});
  CHECK(refusal([&] { (void)f.service.rename(987654, "Nobody", ""); }).first == core::ErrorCode::not_found);
}

void check_account_events(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(ada(), ""));
  REQUIRE_FALSE(f.service.register_customer(ada(), ""));  // the address is taken
  const auto id = f.service.sign_in("ada@example.com", "correct horse battery", "").customer.id;
  (void)f.service.change_password(id, "correct horse battery", "a new long passphrase", "");
  // A refused change publishes nothing.
  CHECK_THROWS((void)f.service.change_password(id, "wrong horse battery", "another long passphrase", ""));

  // ecom-worker's consumer records each event in the account's history, once.
  messaging::MessagingOptions options;
  options.relay_poll = std::chrono::milliseconds(10);
  messaging::Worker worker(db, options, {account_events_subscription()});
  worker.start();
  REQUIRE(ecom::test::eventually([&] { return f.count("SELECT COUNT(*) FROM customer_account_events") == 3; },
                                 std::chrono::seconds(20)));
  REQUIRE(ecom::test::eventually([&] { return messaging::outbox_status(db, options).pending == 0; }));
  worker.stop();
  const auto of = [&](std::string_view topic) {
    return f.count("SELECT COUNT(*) FROM customer_account_events WHERE customer_id = " + std::to_string(id) +
                   " AND topic = '" + std::string(topic) + "'");
  };
  CHECK(of(kCustomerRegistered) == 1);
  CHECK(of(kRegistrationForTakenEmail) == 1);
  CHECK(of(kPasswordChanged) == 1);
  // The history the export shows: the sessions (the one the password change opened) and events.
  const auto history = f.service.history(id, "");
  CHECK(history.sessions.size() == 1);
  CHECK(history.events.size() == 3);
}

void check_erasure(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(ada(), ""));
  const auto session = f.service.sign_in("ada@example.com", "correct horse battery", "");
  const auto id = session.customer.id;
  AddressBook book(db);
  (void)book.add(id, {"Ada", "1 Main St", "", "London", "", "", "GB", ""}, "");
  CHECK(refusal([&] { f.service.erase(id, "wrong horse battery", ""); }).first == core::ErrorCode::unauthorized);
  CHECK(f.service.authenticate(session.token));
  f.service.erase(id, "correct horse battery", "");
  CHECK_FALSE(f.service.authenticate(session.token));
  CHECK(f.count("SELECT COUNT(*) FROM customers") == 0);
  CHECK(f.count("SELECT COUNT(*) FROM customer_sessions") == 0);
  CHECK(f.count("SELECT COUNT(*) FROM customer_addresses") == 0);
  CHECK(refusal([&] { (void)f.service.customer(id); }).first == core::ErrorCode::not_found);
  CHECK(refusal([&] { f.service.erase(id, "correct horse battery", ""); }).first == core::ErrorCode::not_found);
}

void check_address_book(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(ada(), ""));
  REQUIRE(f.service.register_customer(ada("bob@example.com"), ""));
  const auto ada_id = f.service.sign_in("ada@example.com", "correct horse battery", "").customer.id;
  const auto bob_id = f.service.sign_in("bob@example.com", "correct horse battery", "").customer.id;
  AddressBook book(db);
  const auto change = [](std::optional<std::string> AddressChanges::*member, std::string value) {
    AddressChanges c;
    c.*member = std::move(value);
    return c;
  };
  const auto home = book.add(
      ada_id, {" Ada Lovelace ", "12 St James's Square", "", "London", "SW1Y 4JH", "", "gb", "+44 20 7946 0000"}, "");
  CHECK(home.fields.name == "Ada Lovelace");
  CHECK(home.fields.country == "GB");
  CHECK(book.list(ada_id, "").size() == 1);
  CHECK(book.list(bob_id, "").empty());
  // Another customer's address is not found, exactly like one that does not exist.
  using core::ErrorCode;
  CHECK(refusal([&] { (void)book.get(bob_id, home.id, ""); }).first == ErrorCode::not_found);
  CHECK(refusal([&] { (void)book.update(bob_id, home.id, change(&AddressChanges::city, "Paris"), ""); }).first ==
        ErrorCode::not_found);
  CHECK(refusal([&] { book.remove(bob_id, home.id, ""); }).first == ErrorCode::not_found);
  CHECK(refusal([&] { (void)book.get(ada_id, home.id + 1000, ""); }).first == ErrorCode::not_found);
  CHECK(book.get(ada_id, home.id, "").fields.city == "London");  // untouched by Bob's attempts
  // A change keeps what it does not name, and is checked like a new address.
  CHECK(book.update(ada_id, home.id, change(&AddressChanges::line2, "Flat 3"), "").fields.line1 ==
        "12 St James's Square");
  CHECK(refusal([&] { (void)book.update(ada_id, home.id, change(&AddressChanges::country, "GBR"), ""); }) ==
        std::pair{ErrorCode::unprocessable, std::string("country")});
  CHECK(refusal([&] {
          (void)book.add(ada_id, {"", "x", "", "y", "", "", "DE", ""}, "");
        }) == std::pair{ErrorCode::unprocessable, std::string("name")});
  CHECK(refusal([&] {
          (void)book.add(ada_id, {"A", "x", "", "y", "", "", "DE", "call me"}, "");
        }) == std::pair{ErrorCode::unprocessable, std::string("phone")});
  for (std::size_t i = 1; i < kMaxAddresses; ++i) {
    (void)book.add(ada_id, {"A", "Street " + std::to_string(i), "", "Berlin", "", "", "DE", ""}, "");
  }
  CHECK(refusal([&] {
          (void)book.add(ada_id, {"A", "One more", "", "Berlin", "", "", "DE", ""}, "");
        }) == std::pair{ErrorCode::unprocessable, std::string("addresses")});
  book.remove(ada_id, home.id, "");
  CHECK(refusal([&] { (void)book.get(ada_id, home.id, ""); }).first == ErrorCode::not_found);
  CHECK(book.list(ada_id, "").size() == kMaxAddresses - 1);
}

void check_rehash_on_sign_in(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(ada(), ""));
  HashingOptions stronger;
  stronger.passes = 3;
  PasswordHasher today(stronger);
  CustomerService service(db, today, f.cache);
  CHECK(f.stored_hash("ada@example.com").find(",t=2,") != std::string::npos);
  (void)service.sign_in("ada@example.com", "correct horse battery", "");
  CHECK(f.stored_hash("ada@example.com").find(",t=3,") != std::string::npos);
  CHECK_NOTHROW((void)service.sign_in("ada@example.com", "correct horse battery", ""));
}

void check_racing_registrations(db::Database& db) {
  Fixture f(db);
  // Two sign-ups of one address at once: the unique constraint decides, and exactly one wins.
  auto a = std::async(std::launch::async, [&] { return f.service.register_customer(ada(), "a"); });
  auto b = std::async(std::launch::async, [&] { return f.service.register_customer(ada(), "b"); });
  const int created = static_cast<int>(a.get()) + static_cast<int>(b.get());
  CHECK(created == 1);
  CHECK(f.count("SELECT COUNT(*) FROM customers") == 1);
}

// The error of a sign-in: its code and Retry-After seconds (0 when none).
std::pair<core::ErrorCode, long long> sign_in_error(CustomerService& service, std::string_view email,
                                                    std::string_view password, std::string_view address) {
  try {
    (void)service.sign_in(email, password, address);
  } catch (const core::Error& e) {
    return {e.code(), e.retry_after() ? e.retry_after()->count() : 0};
  }
  return {core::ErrorCode::internal, -1};  // signed in
}

void check_lockout(db::Database& db) {
  Fixture f(db);
  REQUIRE(f.service.register_customer(ada(), ""));
  for (int i = 0; i < 10; ++i) {
    INFO("failure " << i + 1);
    REQUIRE(sign_in_error(f.service, "ada@example.com", "wrong horse battery", "10.0.0.1").first ==
            core::ErrorCode::unauthorized);
  }
  // Locked: the right password gets the same 429 as a wrong one, so the lock says nothing.
  const auto locked = sign_in_error(f.service, "ada@example.com", "correct horse battery", "10.0.0.2");
  CHECK(locked.first == core::ErrorCode::too_many_requests);
  CHECK(locked.second == 15 * 60);
  CHECK(sign_in_error(f.service, "ADA@example.com", "wrong horse battery", "10.0.0.3") == locked);
  f.clock += 10 * kMinute;
  CHECK(sign_in_error(f.service, "ada@example.com", "correct horse battery", "10.0.0.2").second == 5 * 60);
  f.clock += 5 * kMinute;
  CHECK_NOTHROW((void)f.service.sign_in("ada@example.com", "correct horse battery", "10.0.0.2"));

  // The success ended the run: ten more failures lock for 15 minutes again, and ten after that
  // (with no success between) for twice as long.
  for (int i = 0; i < 10; ++i) {
    (void)sign_in_error(f.service, "ada@example.com", "wrong horse battery", "10.0.0.1");
  }
  CHECK(sign_in_error(f.service, "ada@example.com", "correct horse battery", "").second == 15 * 60);
  f.clock += 15 * kMinute;
  for (int i = 0; i < 10; ++i) {
    (void)sign_in_error(f.service, "ada@example.com", "wrong horse battery", "10.0.0.1");
  }
  CHECK(sign_in_error(f.service, "ada@example.com", "correct horse battery", "").second == 30 * 60);
}

void check_unknown_accounts_and_addresses_are_throttled(db::Database& db) {
  ThrottleRules rules;
  rules.max_failures_per_address = 20;
  Fixture f(db, {}, rules);
  REQUIRE(f.service.register_customer(ada(), ""));
  // An email with no account locks like one that has it: a lock cannot tell them apart.
  for (int i = 0; i < 10; ++i) {
    (void)sign_in_error(f.service, "nobody@example.com", "correct horse battery", "");
  }
  CHECK(sign_in_error(f.service, "nobody@example.com", "correct horse battery", "").first ==
        core::ErrorCode::too_many_requests);
  // Many accounts tried from one address: the address is locked, for every account.
  for (int i = 0; i < 20; ++i) {
    (void)sign_in_error(f.service, "user" + std::to_string(i) + "@example.com", "guess guess guess", "192.0.2.9");
  }
  const auto from_there = sign_in_error(f.service, "ada@example.com", "correct horse battery", "192.0.2.9");
  CHECK(from_there.first == core::ErrorCode::too_many_requests);
  CHECK(from_there.second == 15 * 60);
  CHECK_NOTHROW((void)f.service.sign_in("ada@example.com", "correct horse battery", "192.0.2.10"));
}

}  // namespace

std::vector<ecom::test::SuiteCase<db::Database>> customers_suite() {
  std::vector<ecom::test::SuiteCase<db::Database>> cases = {
      {"register, sign in, the session names the customer", check_register_and_sign_in},
      {"a taken email creates nothing and changes nothing", check_taken_email},
      {"invalid registrations name their field and store nothing", check_invalid_registrations},
      {"a wrong password and an unknown email are answered alike", check_wrong_credentials_look_alike},
      {"sessions: a new token per sign-in, stored hashed, ended by sign-out", check_sessions},
      {"sessions end when idle too long and at their absolute limit", check_idle_and_absolute_expiry},
      {"a password change checks the old one and ends the other sessions", check_change_password},
      {"a hash made at lower costs is replaced at sign-in", check_rehash_on_sign_in},
      {"a customer's name is changed, within its limits", check_rename},
      {"account events leave through the outbox and land in the account's history", check_account_events},
      {"the address book: only its owner reaches an address, fields checked, at most 50", check_address_book},
      {"erasure checks the password, then removes the account, its sessions and addresses", check_erasure},
      {"two registrations of one email at once create one account", check_racing_registrations},
      {"ten failed sign-ins lock the account, whatever the password, for longer each time", check_lockout},
      {"unknown emails and busy addresses are throttled too", check_unknown_accounts_and_addresses_are_throttled},
  };
  auto tokens = customer_tokens_cases();
  cases.insert(cases.end(), tokens.begin(), tokens.end());
  return cases;
}

}  // namespace ecom::identity::test
