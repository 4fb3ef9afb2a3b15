// Customer accounts and sessions (docs/identity.md): registration that does not tell whether an
// email is taken, sign-in that answers a wrong email and a wrong password alike, and opaque session
// tokens stored only as hashes, with idle and absolute expiry. The HTTP routes and pages on top of
// this service come next; the service itself decides every rule.
#pragma once

#include <ecom/db/database.hpp>
#include <ecom/identity/passwords.hpp>
#include <ecom/identity/throttle.hpp>
#include <ecom/mail/mailer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
}

namespace ecom::identity {

namespace detail {
class Sessions;
}

struct Customer {
  std::int64_t id = 0;
  std::string email;  // lower case
  std::string name;
  bool email_verified = false;
  std::int64_t created_at = 0;  // microseconds since the Unix epoch (UTC)
};

struct Registration {
  std::string email;
  std::string password;
  std::string name;
};

struct SessionLimits {
  std::chrono::seconds idle{std::chrono::hours(24 * 7)};       // unused this long: signed out
  std::chrono::seconds absolute{std::chrono::hours(24 * 30)};  // signed in this long: signed out
};

// The emails the service sends itself (docs/identity.md#reset-and-verification-tokens): a reset
// link, a verification link, the notice to the owner of a taken address.
struct AccountMail {
  mail::Mailer* mailer = nullptr;                  // must outlive the service; nullptr: nothing is sent
  std::string base_url = "http://localhost:8080";  // shop.base_url: the links' origin
  std::string shop_name = "ecom demo shop";
  std::chrono::seconds reset_lifetime{std::chrono::minutes(30)};
  std::chrono::seconds verify_lifetime{std::chrono::hours(24)};
  int emails_per_account_per_hour = 5;     // reset or verification emails; past it none is sent
  int requests_per_address_per_hour = 50;  // reset requests from one client address; then 429
};

struct CustomerOptions {
  SessionLimits sessions;
  ThrottleRules throttle;
  // Microseconds since the Unix epoch; the system clock unless a test sets its own.
  std::function<std::int64_t()> now_us;
  AccountMail mail;
};

// What the account holds beyond its profile, for the customer's data export.
struct SessionRecord {
  std::int64_t created_at = 0;  // microseconds since the Unix epoch
  std::int64_t last_seen_at = 0;
  std::int64_t expires_at = 0;
};
struct AccountEvent {
  std::string topic;
  std::string occurred_at;  // ISO 8601
};
struct AccountHistory {
  std::vector<SessionRecord> sessions;
  std::vector<AccountEvent> events;
};

struct SignIn {
  std::string token;  // the session token: shown to the client once (a cookie, or a bearer token)
  Customer customer;
  std::int64_t expires_at = 0;  // the absolute end of the session, microseconds
};

class CustomerService {
 public:
  // db, hasher and cache (shared sign-in counters, see throttle.hpp) must outlive the service.
  CustomerService(db::Database& db, PasswordHasher& hasher, cache::Cache& cache, CustomerOptions options = {});
  ~CustomerService();
  CustomerService(const CustomerService&) = delete;
  CustomerService& operator=(const CustomerService&) = delete;

  // Creates the account, or nothing when the email is taken; the caller answers both alike. A new
  // account is sent a verification link; the owner of a taken email is told by email that someone
  // tried. Returns whether an account was created: never show it to the client. Both paths hash the
  // password and hand one email to the mailer, so they take the same time. Throws core::Error unprocessable naming
  // "email", "name" or "password" for invalid input, and unavailable when the hashing slots are full.
  bool register_customer(const Registration& registration, std::string_view client);

  // A new session for the right email and password (a new token every time: no fixation). Throws
  // core::Error unauthorized with one message for an unknown email and a wrong password, after the
  // same hashing work, and too_many_requests (429, Retry-After) while the account or the client
  // address is locked by the throttle, whatever the password. A hash made at lower costs than
  // today's is replaced. client is the client's address: it throttles, and it is the database's
  // read-your-writes key.
  [[nodiscard]] SignIn sign_in(std::string_view email, std::string_view password, std::string_view client);

  // The customer a session token belongs to, while the session is within its limits; a session
  // past them is deleted. Keeps the session alive (its last use is recorded at most once a minute).
  [[nodiscard]] std::optional<Customer> authenticate(std::string_view token);

  // Ends one session (sign out), or every session of a customer (sign out everywhere). Ending a
  // session that does not exist is not an error.
  void sign_out(std::string_view token);
  void sign_out_everywhere(std::int64_t customer_id);

  [[nodiscard]] const SessionLimits& session_limits() const noexcept { return options_.sessions; }

  // not_found when there is no such customer.
  [[nodiscard]] Customer customer(std::int64_t id);

  // The account's sessions (never their tokens) and its recorded events, for the data export.
  [[nodiscard]] AccountHistory history(std::int64_t customer_id, std::string_view client);

  // Erases the account after checking its password again (unauthorized when wrong, throttled like
  // a sign-in): the customer row, and with it (ON DELETE CASCADE) its sessions and addresses.
  // What stays is the account history's ids and topics, which hold no personal data. Publishes
  // identity.customer_erased.
  void erase(std::int64_t customer_id, std::string_view password, std::string_view client);

  // Sets the customer's name (trimmed, at most 200 characters; unprocessable naming "name").
  [[nodiscard]] Customer rename(std::int64_t customer_id, std::string_view name, std::string_view client);

  // Checks current, applies the rules to next and stores it; every session of the customer ends and
  // a new one is returned, for the client that made the change. Throws unauthorized when current is
  // wrong, unprocessable naming "new_password" when next breaks a rule.
  [[nodiscard]] SignIn change_password(std::int64_t customer_id, std::string_view current, std::string_view next,
                                       std::string_view client);

  // Emails a reset link to the account with this email, when there is one and it has had fewer than
  // AccountMail::emails_per_account_per_hour such emails in the last hour; returns normally either
  // way, after the same work (a token made and hashed, one transaction), so neither the answer nor
  // its time says whether the account exists. Throws unprocessable naming "email" for a malformed
  // address, too_many_requests (Retry-After) when the client address asked too often.
  void request_password_reset(std::string_view email, std::string_view client);

  // Sets the password of the reset token's customer (the rules apply: unprocessable naming
  // "password") and uses the token up; every session of the customer ends, every other open reset
  // token too, and the email counts as verified (the link proved it). Throws gone (410) for a token
  // that is unknown, used or expired, alike. Publishes identity.password_reset.
  void reset_password(std::string_view token, std::string_view password, std::string_view client);

  // Emails a new verification link to a customer whose address is not verified yet (nothing when it
  // is). Throws too_many_requests past AccountMail::emails_per_account_per_hour.
  void request_verification(std::int64_t customer_id, std::string_view client);

  // Marks the token's customer's email verified and uses the token up; publishes
  // identity.customer_verified the first time. Throws gone (410) for a token that is unknown, used
  // or expired, alike.
  Customer verify_email(std::string_view token, std::string_view client);

 private:
  [[nodiscard]] std::int64_t now() const;
  // A token for customer_id, stored hashed in the caller's transaction; returns the token itself,
  // for the email only.
  std::string issue_token(soci::session& tx, std::int64_t customer_id, std::string_view purpose, std::int64_t at) const;
  // Hands an email to the mailer (nothing without one). Never blocks.
  void send_mail(const std::string& to, std::string subject, std::string text) const;
  void send_verification(const std::string& email, const std::string& token) const;
  // Tells the owner of a taken email that someone tried to register it (at most a few an hour).
  void send_taken_notice(const std::string& email);
  // The customer's email once password is checked again (for a change the session alone must not
  // allow): not_found without the customer, unauthorized (`wrong`) and a throttle count when wrong.
  [[nodiscard]] std::string reauthenticate(std::int64_t customer_id, std::string_view password, std::string_view client,
                                           const char* wrong);

  db::Database& db_;
  PasswordHasher& hasher_;
  CustomerOptions options_;
  Throttle throttle_;
  Throttle mail_throttle_;  // reset and verification emails, per account and per client address
  std::unique_ptr<detail::Sessions> sessions_;
};

// The email as stored: trimmed and lower-cased. Throws core::Error unprocessable naming "email"
// unless it has the shape local@domain.tld: 3 to 254 characters, at most 64 before the '@', no
// blanks or control characters, a dot in the domain.
[[nodiscard]] std::string normalize_email(std::string_view email);

}  // namespace ecom::identity
