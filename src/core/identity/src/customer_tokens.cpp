// Password reset and email verification (docs/identity.md#reset-and-verification-tokens): single-use
// tokens sent by email, stored only as their SHA-256 in customer_tokens (migration 0013), used up
// by one conditional UPDATE. The token itself exists in the email and nowhere else: not in a table,
// the outbox or a log line.
#include "events_internal.hpp"
#include "sessions.hpp"

#include <ecom/db/database.hpp>
#include <ecom/identity/customers.hpp>
#include <ecom/identity/events.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>

#include <soci/soci.h>

#include <chrono>
#include <string>

namespace ecom::identity {
namespace {

using core::Error;
using core::ErrorCode;

constexpr const char* kInsertToken =
    "INSERT INTO customer_tokens (token_hash, customer_id, purpose, created_at, expires_at) "
    "VALUES (:hash, :customer_id, :purpose, :now, :expires_at)";
constexpr const char* kDeleteExpired = "DELETE FROM customer_tokens WHERE expires_at < :now";
constexpr const char* kFindToken =
    "SELECT t.customer_id, c.email FROM customer_tokens t JOIN customers c ON c.id = t.customer_id "
    "WHERE t.token_hash = :hash AND t.purpose = :purpose AND t.used_at IS NULL AND t.expires_at > :now";
// The one statement that decides a token's use: two uses at once cannot both change the row.
constexpr const char* kUseToken =
    "UPDATE customer_tokens SET used_at = :now WHERE token_hash = :hash AND purpose = :purpose "
    "AND used_at IS NULL AND expires_at > :now2";
constexpr const char* kUseAllResets =
    "UPDATE customer_tokens SET used_at = :now WHERE customer_id = :customer_id AND purpose = 'reset' "
    "AND used_at IS NULL";
// A disabled account gets no reset link: its request is answered like an unknown email's.
constexpr const char* kFindIdByEmail = "SELECT id FROM customers WHERE email = :email AND disabled_at IS NULL";
constexpr const char* kFindVerified = "SELECT email, email_verified_at FROM customers WHERE id = :id";
constexpr const char* kSetHash = "UPDATE customers SET password_hash = :hash, updated_at = :now WHERE id = :id";
constexpr const char* kVerify =
    "UPDATE customers SET email_verified_at = :now, updated_at = :now2 WHERE id = :id AND email_verified_at IS NULL";

constexpr std::string_view kReset = "reset";
constexpr std::string_view kVerifyPurpose = "verify";

Error spent_link() {
  return Error(ErrorCode::gone, "This link has expired or was already used. Ask for a new one.");
}

std::int64_t micros(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::microseconds>(s).count();
}

std::string minutes_text(std::chrono::seconds s) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(s).count();
  return minutes >= 120 && minutes % 60 == 0 ? std::to_string(minutes / 60) + " hours"
                                             : std::to_string(minutes) + " minutes";
}

long long affected(soci::statement& st) {
  st.execute(true);
  return st.get_affected_rows();
}

// Uses the token up inside tx; the customer it belongs to, or gone.
long long use_token(soci::session& tx, const std::string& hash, std::string_view purpose, long long at) {
  const std::string kind(purpose);
  long long customer_id = 0;
  std::string email;
  tx << kFindToken, soci::use(hash, "hash"), soci::use(kind, "purpose"), soci::use(at, "now"), soci::into(customer_id),
      soci::into(email);
  if (!tx.got_data()) {
    throw spent_link();
  }
  soci::statement st = (tx.prepare << kUseToken, soci::use(at, "now"), soci::use(hash, "hash"),
                        soci::use(kind, "purpose"), soci::use(at, "now2"));
  if (affected(st) != 1) {
    throw spent_link();  // used by a concurrent request between the two statements
  }
  return customer_id;
}

}  // namespace

void CustomerService::send_verification(const std::string& email, const std::string& token) const {
  send_mail(email, "Confirm your email address",
            "Please confirm that this is your email address at " + options_.mail.shop_name +
                " (the link works once, for " + minutes_text(options_.mail.verify_lifetime) + "):\n\n" +
                options_.mail.base_url + "/account/verify-email?token=" + token +
                "\n\nIf you have no account with us, ignore this email.\n");
}

void CustomerService::send_taken_notice(const std::string& email) {
  const auto account = "notice:" + token_hash(email);
  try {
    mail_throttle_.check(account, "");
  } catch (const Error&) {
    return;  // told often enough this hour
  }
  mail_throttle_.failed(account, "");
  send_mail(email, "Someone tried to sign up with your email address",
            "Someone, perhaps you, tried to create an account at " + options_.mail.shop_name +
                " with this email address. You already have one, so nothing was changed.\n\nSign in: " +
                options_.mail.base_url + "/account/sign-in\nForgot your password? " + options_.mail.base_url +
                "/account/forgot-password\n\nIf it was not you, you need not do anything.\n");
}

std::string CustomerService::issue_token(soci::session& tx, std::int64_t customer_id, std::string_view purpose,
                                         std::int64_t at) const {
  auto token = new_token();
  const auto hash = token_hash(token);
  const long long owner = customer_id;
  const long long created = at;
  const long long expires =
      at + micros(purpose == kReset ? options_.mail.reset_lifetime : options_.mail.verify_lifetime);
  const std::string kind(purpose);
  tx << kInsertToken, soci::use(hash, "hash"), soci::use(owner, "customer_id"), soci::use(kind, "purpose"),
      soci::use(created, "now"), soci::use(expires, "expires_at");
  return token;
}

void CustomerService::send_mail(const std::string& to, std::string subject, std::string text) const {
  if (options_.mail.mailer != nullptr) {
    (void)options_.mail.mailer->send(mail::Email{to, std::move(subject), std::move(text)});
  }
}

void CustomerService::request_password_reset(std::string_view email, std::string_view client) {
  const auto normalized = normalize_email(email);
  const auto account = "reset:" + token_hash(normalized);
  const auto address = client.empty() ? std::string() : "reset:" + std::string(client);
  try {
    mail_throttle_.check("", address);
  } catch (const Error& e) {
    throw Error(ErrorCode::too_many_requests, "Too many reset requests from here; try again later.")
        .with_retry_after(e.retry_after().value_or(std::chrono::seconds(60)));
  }
  bool allowed = true;
  try {
    mail_throttle_.check(account, "");
  } catch (const Error&) {
    allowed = false;  // enough emails for this address this hour: none more, and the same answer
  }
  mail_throttle_.failed(account, address);
  // The same work whether or not the account exists: a token made and hashed, one transaction.
  const long long at = now();
  const auto token = db_.transact(client, [&](soci::session& tx) -> std::optional<std::string> {
    tx << kDeleteExpired, soci::use(at, "now");
    long long id = 0;
    tx << kFindIdByEmail, soci::use(normalized, "email"), soci::into(id);
    const auto unused = new_token();
    (void)token_hash(unused);
    if (!tx.got_data() || !allowed) {
      return std::nullopt;
    }
    return issue_token(tx, id, kReset, at);
  });
  if (!allowed) {
    log::warn("password reset: the account had enough reset emails this hour; none sent");
  }
  if (token) {
    send_mail(normalized, "Reset your password",
              "Someone, hopefully you, asked to reset the password of your account at " + options_.mail.shop_name +
                  ".\n\nChoose a new password here (the link works once, for " +
                  minutes_text(options_.mail.reset_lifetime) + "):\n\n" + options_.mail.base_url +
                  "/account/reset-password?token=" + *token +
                  "\n\nIf it was not you, ignore this email: your password stays as it is.\n");
  }
}

void CustomerService::reset_password(std::string_view token, std::string_view password, std::string_view client) {
  const auto hash_of_token = token_hash(token);
  const long long at = now();
  const std::string kind(kReset);
  std::string email;
  const bool live = db_.read(client, db::Consistency::strong, [&](soci::session& sql) {
    long long id = 0;
    sql << kFindToken, soci::use(hash_of_token, "hash"), soci::use(kind, "purpose"), soci::use(at, "now"),
        soci::into(id), soci::into(email);
    return sql.got_data();
  });
  if (!live) {
    throw spent_link();
  }
  check_new_password(password, kCustomerPasswords, email, "password");
  // Hashed outside the transaction, which then decides the token's use once.
  const auto hash = hasher_.hash(password);
  db_.transact(client, [&](soci::session& tx) {
    const long long id = use_token(tx, hash_of_token, kReset, at);
    tx << kSetHash, soci::use(hash, "hash"), soci::use(at, "now"), soci::use(id, "id");
    tx << kUseAllResets, soci::use(at, "now"), soci::use(id, "customer_id");
    soci::statement verify = (tx.prepare << kVerify, soci::use(at, "now"), soci::use(at, "now2"), soci::use(id, "id"));
    if (affected(verify) == 1) {
      detail::publish(tx, kCustomerVerified, id);
    }
    // A reset is often the answer to a stolen account: every session ends with it.
    sessions_->end_all(tx, id);
    detail::publish(tx, kPasswordReset, id);
  });
}

void CustomerService::request_verification(std::int64_t customer_id, std::string_view client) {
  const long long id = customer_id;
  const auto account = "verify:" + std::to_string(id);
  try {
    mail_throttle_.check(account, "");
  } catch (const Error& e) {
    throw Error(ErrorCode::too_many_requests, "We sent several links already; try again later.")
        .with_retry_after(e.retry_after().value_or(std::chrono::seconds(60)));
  }
  const long long at = now();
  std::string email;
  const auto token = db_.transact(client, [&](soci::session& tx) -> std::optional<std::string> {
    long long verified_at = 0;
    soci::indicator verified = soci::i_null;
    tx << kFindVerified, soci::use(id, "id"), soci::into(email), soci::into(verified_at, verified);
    if (!tx.got_data()) {
      throw Error(ErrorCode::not_found, "No such customer.");
    }
    if (verified == soci::i_ok) {
      return std::nullopt;
    }
    return issue_token(tx, id, kVerifyPurpose, at);
  });
  if (token) {
    mail_throttle_.failed(account, "");
    send_verification(email, *token);
  }
}

Customer CustomerService::verify_email(std::string_view token, std::string_view client) {
  const auto hash_of_token = token_hash(token);
  const long long at = now();
  const long long id = db_.transact(client, [&](soci::session& tx) {
    const long long owner = use_token(tx, hash_of_token, kVerifyPurpose, at);
    soci::statement st = (tx.prepare << kVerify, soci::use(at, "now"), soci::use(at, "now2"), soci::use(owner, "id"));
    if (affected(st) == 1) {
      detail::publish(tx, kCustomerVerified, owner);
    }
    return owner;
  });
  return customer(id);
}

}  // namespace ecom::identity
