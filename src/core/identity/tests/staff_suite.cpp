// The checks of the staff suite (staff_suite.hpp). Each gets a fresh, migrated database and the
// test's own clock, so expiry and TOTP steps are tested without waiting.
#include "staff_suite.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/cache/local_cache.hpp>
#include <ecom/identity/api_keys.hpp>
#include <ecom/identity/customer_directory.hpp>
#include <ecom/identity/customers.hpp>
#include <ecom/identity/staff.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/identity/totp.hpp>
#include <ecom/platform/error.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <atomic>
#include <functional>
#include <string>

namespace ecom::identity::test {
namespace {

constexpr std::int64_t kMinute = 60'000'000;  // microseconds
constexpr std::int64_t kStart = 1'800'000'000'000'000;
const std::string kPassword = "a long staff passphrase";

struct Fixture {
  explicit Fixture(db::Database& database, bool require_totp = false)
      : db(database), service(db, hasher, cache, options(require_totp)) {}

  StaffOptions options(bool require_totp) {
    StaffOptions o;
    o.require_totp = require_totp;
    o.now_us = [this] { return clock.load(); };
    return o;
  }
  StaffMember add(const std::string& email, const std::string& role) {
    return service.create({email, "Staff " + role, role, kPassword}, std::nullopt, "").staff;
  }
  StaffSignIn sign_in(const std::string& email, std::optional<std::string> totp = std::nullopt) {
    return service.sign_in({email, kPassword, std::move(totp)}, "192.0.2.1");
  }
  [[nodiscard]] std::string code(const std::string& secret_b32, std::int64_t offset_us = 0) const {
    return totp_code(*base32_decode(secret_b32), (clock.load() + offset_us) / 1'000'000);
  }
  [[nodiscard]] long long count(const std::string& sql) const {
    return db.read("", db::Consistency::strong, [&](soci::session& s) {
      long long n = 0;
      s << sql, soci::into(n);
      return n;
    });
  }

  db::Database& db;
  PasswordHasher hasher;
  cache::LocalCache cache{cache::LocalCacheOptions{}};
  std::atomic<std::int64_t> clock{kStart};
  StaffService service;
};

// The error a call throws.
core::Error refusal(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const core::Error& e) {
    return e;
  }
  FAIL("no core::Error was thrown");
  return core::Error(core::ErrorCode::internal, "");
}

void check_sign_in_and_sessions(db::Database& database) {
  Fixture f(database);
  const auto owner = f.add("Owner@Example.com", "owner");
  CHECK(owner.email == "owner@example.com");
  CHECK(owner.role == "owner");
  const auto in = f.sign_in("owner@example.com");
  CHECK(in.staff.id == owner.id);
  CHECK(in.recovery_codes.empty());
  CHECK(f.count("SELECT COUNT(*) FROM staff_sessions WHERE token_hash = '" + token_hash(in.token) + "'") == 1);
  REQUIRE(f.service.authenticate(in.token).has_value());
  // A staff token is not a customer session, and the other way round (tables of their own).
  CHECK(f.count("SELECT COUNT(*) FROM customer_sessions") == 0);
  CustomerService customers(database, f.hasher, f.cache);
  (void)customers.register_customer({"owner@example.com", "a customer passphrase", "Same person"}, "");
  const auto shopper = customers.sign_in("owner@example.com", "a customer passphrase", "");
  CHECK_FALSE(customers.authenticate(in.token).has_value());
  CHECK_FALSE(f.service.authenticate(shopper.token).has_value());

  const auto wrong = refusal([&] { (void)f.service.sign_in({"owner@example.com", "not the password!", {}}, ""); });
  const auto unknown = refusal([&] { (void)f.service.sign_in({"nobody@example.com", kPassword, {}}, ""); });
  CHECK(wrong.code() == core::ErrorCode::unauthorized);
  CHECK(wrong.message() == unknown.message());

  // 30 minutes idle ends a staff session; so do 12 hours however busy.
  f.clock += 29 * kMinute;
  CHECK(f.service.authenticate(in.token).has_value());
  f.clock += 31 * kMinute;
  CHECK_FALSE(f.service.authenticate(in.token).has_value());
  const auto busy = f.sign_in("owner@example.com");
  for (int i = 0; i < 25; ++i) {  // 12.5 hours, seen every half hour less a minute
    f.clock += 29 * kMinute;
    if (!f.service.authenticate(busy.token)) {
      CHECK(i * 29 * kMinute >= 11 * 60 * kMinute);
      break;
    }
  }
  CHECK_FALSE(f.service.authenticate(busy.token).has_value());

  const auto last = f.sign_in("owner@example.com");
  f.service.sign_out(last.token);
  CHECK_FALSE(f.service.authenticate(last.token).has_value());
}

void check_disable_and_rules(db::Database& database) {
  Fixture f(database);
  const auto owner = f.add("owner@example.com", "owner");
  const auto admin = f.add("admin@example.com", "administrator");
  const auto clerk = f.add("clerk@example.com", "support");
  const StaffActor as_admin{admin.id, "administrator"};
  const StaffActor as_owner{owner.id, "owner"};
  // Only an owner makes, changes or removes an owner.
  CHECK(refusal([&] {
          (void)f.service.create({"new@example.com", "New", "owner", kPassword}, as_admin, "");
        }).code() == core::ErrorCode::forbidden);
  CHECK(refusal([&] { (void)f.service.update(owner.id, {.role = "analyst"}, as_admin, ""); }).code() ==
        core::ErrorCode::forbidden);
  CHECK(refusal([&] { f.service.remove(owner.id, as_admin, ""); }).code() == core::ErrorCode::forbidden);
  // The last active owner stays, even against an owner.
  CHECK(refusal([&] { (void)f.service.update(owner.id, {.role = "analyst"}, as_owner, ""); }).code() ==
        core::ErrorCode::conflict);
  CHECK(refusal([&] { (void)f.service.update(owner.id, {.active = false}, as_owner, ""); }).code() ==
        core::ErrorCode::conflict);
  CHECK(refusal([&] { f.service.remove(owner.id, as_owner, ""); }).code() == core::ErrorCode::conflict);
  CHECK(f.service.get(owner.id).role == "owner");

  // Disabling signs the member out at once, and keeps them out.
  const auto session = f.sign_in("clerk@example.com");
  const auto disabled = f.service.update(clerk.id, {.active = false}, as_admin, "");
  CHECK_FALSE(disabled.active);
  CHECK_FALSE(f.service.authenticate(session.token).has_value());
  CHECK(refusal([&] { (void)f.sign_in("clerk@example.com"); }).code() == core::ErrorCode::unauthorized);
  CHECK(f.service.update(clerk.id, {.name = "Clerk", .active = true}, as_admin, "").active);
  CHECK_NOTHROW((void)f.sign_in("clerk@example.com"));

  // Input is checked, a taken email is a conflict naming it.
  const auto taken = refusal([&] { (void)f.service.create({"ADMIN@example.com", "", "support", kPassword}, {}, ""); });
  CHECK(taken.code() == core::ErrorCode::conflict);
  REQUIRE(taken.details().size() == 1);
  CHECK(taken.details()[0].name == "email");
  const auto role = refusal([&] { (void)f.service.create({"x@example.com", "", "superuser", kPassword}, {}, ""); });
  CHECK(role.details().at(0).name == "role");
  const auto short_password = refusal([&] {
    (void)f.service.create({"x@example.com", "", "support", "eleven char"}, {}, "");
  });
  CHECK(short_password.details().at(0).name == "password");
  CHECK(f.service.list().size() == 3);
  f.service.remove(clerk.id, as_admin, "");
  CHECK(f.service.list().size() == 2);
  CHECK(refusal([&] { (void)f.service.get(clerk.id); }).code() == core::ErrorCode::not_found);
}

void check_required_totp(db::Database& database) {
  Fixture f(database, true);
  (void)f.add("owner@example.com", "owner");
  // No second factor yet: refused, with the secret to set up.
  const auto enrol = refusal([&] { (void)f.sign_in("owner@example.com"); });
  CHECK(enrol.code() == core::ErrorCode::forbidden);
  REQUIRE(enrol.members() != nullptr);
  const std::string secret(enrol.members()->at("totp_secret").as_string());
  CHECK(std::string(enrol.members()->at("totp_uri").as_string()).starts_with("otpauth://totp/"));
  // The same secret until it is confirmed: an app that scanned it keeps working.
  const auto again = refusal([&] { (void)f.sign_in("owner@example.com"); });
  CHECK(again.members()->at("totp_secret").as_string() == secret);
  CHECK(refusal([&] { (void)f.sign_in("owner@example.com", "000000"); }).code() == core::ErrorCode::unauthorized);

  const auto first = f.sign_in("owner@example.com", f.code(secret));
  REQUIRE(first.recovery_codes.size() == 10);
  CHECK(first.staff.totp_enabled);
  CHECK(f.count("SELECT COUNT(*) FROM staff_recovery_codes WHERE code_hash = '" + first.recovery_codes[0] + "'") == 0);

  // From now on a code is required, and each code works once.
  const auto missing = refusal([&] { (void)f.sign_in("owner@example.com"); });
  CHECK(missing.code() == core::ErrorCode::unauthorized);
  CHECK(missing.members()->at("totp_required").as_bool());
  CHECK(refusal([&] { (void)f.sign_in("owner@example.com", f.code(secret)); }).message() == "The code is wrong.");
  f.clock += 30'000'000;
  CHECK_NOTHROW((void)f.sign_in("owner@example.com", f.code(secret)));
  // A recovery code, typed loosely, works once.
  std::string typed = first.recovery_codes[3];
  for (auto& c : typed) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  CHECK(f.sign_in("owner@example.com", typed).recovery_codes.empty());
  CHECK(refusal([&] { (void)f.sign_in("owner@example.com", first.recovery_codes[3]); }).code() ==
        core::ErrorCode::unauthorized);
}

void check_invitations_and_voluntary_totp(db::Database& database) {
  Fixture f(database);
  const auto created = f.service.create({"new@example.com", "New", "analyst", std::nullopt}, std::nullopt, "");
  REQUIRE(created.invitation_token.has_value());
  CHECK(created.staff.invited);
  CHECK(f.count("SELECT COUNT(*) FROM staff_invitations WHERE token_hash = '" + *created.invitation_token + "'") == 0);
  CHECK(refusal([&] {
          (void)f.service.sign_in({"new@example.com", "", {}}, "");
        }).code() == core::ErrorCode::unauthorized);
  CHECK(refusal([&] { (void)f.service.accept_invitation(*created.invitation_token, "short", ""); })
            .details()
            .at(0)
            .name == "password");
  const auto member = f.service.accept_invitation(*created.invitation_token, kPassword, "");
  CHECK_FALSE(member.invited);
  CHECK(refusal([&] { (void)f.service.accept_invitation(*created.invitation_token, kPassword, ""); }).code() ==
        core::ErrorCode::not_found);
  const auto in = f.sign_in("new@example.com");

  // An invitation expires.
  const auto late = f.service.create({"late@example.com", "", "support", std::nullopt}, std::nullopt, "");
  f.clock += 73 * 60 * kMinute;
  CHECK(refusal([&] { (void)f.service.accept_invitation(*late.invitation_token, kPassword, ""); }).code() ==
        core::ErrorCode::not_found);

  // A second factor set up by choice: a wrong code keeps it off, the right one turns it on.
  const auto enrolment = f.service.begin_totp(in.staff.id);
  CHECK(enrolment.uri.find(enrolment.secret) != std::string::npos);
  CHECK(refusal([&] { (void)f.service.confirm_totp(in.staff.id, "123456"); }).code() == core::ErrorCode::unprocessable);
  CHECK(f.service.confirm_totp(in.staff.id, f.code(enrolment.secret)).size() == 10);
  CHECK(f.service.get(in.staff.id).totp_enabled);
  CHECK(refusal([&] { (void)f.sign_in("new@example.com"); }).code() == core::ErrorCode::unauthorized);
  f.clock += 30'000'000;
  CHECK_NOTHROW((void)f.sign_in("new@example.com", f.code(enrolment.secret)));
}

void check_api_keys(db::Database& database) {
  Fixture f(database);
  const auto owner = f.add("owner@example.com", "owner");
  ApiKeyService keys(database, [&f] { return f.clock.load(); });
  const auto made = keys.create(" sync ", {"catalog.write", "catalog.read", "catalog.read"}, owner.id, "owner", "");
  CHECK(made.key.name == "sync");
  CHECK(made.key.permissions == std::vector<std::string>{"catalog.read", "catalog.write"});
  CHECK(f.count("SELECT COUNT(*) FROM api_keys WHERE secret_hash = '" + token_hash(made.secret) + "'") == 1);
  CHECK(f.count("SELECT COUNT(*) FROM api_keys WHERE secret_hash = '" + made.secret + "'") == 0);
  // At most the creator's permissions.
  CHECK(refusal([&] { (void)keys.create("x", {"catalog.write"}, owner.id, "analyst", ""); }).details().at(0).name ==
        "permissions");
  const auto used = keys.authenticate(made.secret);
  REQUIRE(used.has_value());
  CHECK(used->last_used_at == f.clock.load());
  f.clock += kMinute / 2;
  CHECK(keys.authenticate(made.secret)->last_used_at == kStart);  // written at most once a minute
  CHECK_FALSE(keys.authenticate(made.secret + "x").has_value());
  keys.revoke(made.key.id, "");
  CHECK_FALSE(keys.authenticate(made.secret).has_value());
  CHECK(keys.list().at(0).revoked);
  CHECK(refusal([&] { keys.revoke(made.key.id, ""); }).code() == core::ErrorCode::not_found);
}

void check_customer_directory(db::Database& database) {
  Fixture f(database);
  CustomerService customers(database, f.hasher, f.cache);
  CustomerDirectory directory(database);
  (void)customers.register_customer({"Shopper@Example.com", "a customer passphrase", "Shop 100%"}, "");
  (void)customers.register_customer({"other@example.com", "a customer passphrase", "Other"}, "");
  const auto session = customers.sign_in("shopper@example.com", "a customer passphrase", "");
  CHECK(directory.search({"SHOP", std::nullopt, 50}).size() == 1);
  CHECK(directory.search({"100%", std::nullopt, 50}).size() == 1);
  CHECK(directory.search({"_", std::nullopt, 50}).empty());  // a pattern character is plain text
  CHECK(directory.search({"", std::nullopt, 50}).size() == 2);
  const auto disabled = directory.set_disabled(session.customer.id, true, "");
  CHECK(disabled.disabled);
  CHECK_FALSE(customers.authenticate(session.token).has_value());
  CHECK(refusal([&] { (void)customers.sign_in("shopper@example.com", "a customer passphrase", ""); }).code() ==
        core::ErrorCode::unauthorized);
  // Nor does a reset link reopen it: none is made.
  customers.request_password_reset("shopper@example.com", "");
  CHECK(f.count("SELECT COUNT(*) FROM customer_tokens WHERE purpose = 'reset'") == 0);
  CHECK_FALSE(directory.set_disabled(session.customer.id, false, "").disabled);
  CHECK_NOTHROW((void)customers.sign_in("shopper@example.com", "a customer passphrase", ""));
  directory.erase(session.customer.id, "");
  CHECK(refusal([&] { (void)directory.get(session.customer.id); }).code() == core::ErrorCode::not_found);
  const auto entries = audit::list(database, {});
  REQUIRE_FALSE(entries.empty());
  CHECK(entries[0].action == "customer.erase");
  CHECK(entries[0].object_key.empty());  // the erased person's email is not kept
}

}  // namespace

std::vector<ecom::test::SuiteCase<db::Database>> staff_suite() {
  return {
      {"staff sign in, sessions end after 30 idle minutes or 12 hours, wrong answers look alike",
       check_sign_in_and_sessions},
      {"only an owner touches an owner, the last owner stays, disabling signs out", check_disable_and_rules},
      {"a required second factor is set up at the first sign-in, codes and recovery codes work once",
       check_required_totp},
      {"invitations set a password once and expire, a second factor can be set up by choice",
       check_invitations_and_voluntary_totp},
      {"staff find, disable and erase a customer; a disabled one neither signs in nor gets a reset link",
       check_customer_directory},
      {"API keys hold at most their maker's permissions, are stored hashed and end when revoked", check_api_keys},
  };
}

}  // namespace ecom::identity::test
