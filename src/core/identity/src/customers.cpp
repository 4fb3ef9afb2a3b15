// Customer accounts and sessions: see customers.hpp. Every statement here names only the
// identity module's own tables (migrations/*/0007_identity_customers.sql).
#include "events_internal.hpp"
#include "sessions.hpp"
#include "text.hpp"

#include <ecom/db/database.hpp>
#include <ecom/identity/customers.hpp>
#include <ecom/identity/events.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/time.hpp>

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <string>

namespace ecom::identity {
namespace {

using core::Error;
using core::ErrorCode;

constexpr const char* kCustomerColumns = "id, email, name, email_verified_at, created_at";
constexpr const char* kInsertCustomer =
    "INSERT INTO customers (email, name, password_hash, created_at, updated_at) "
    "VALUES (:email, :name, :hash, :now, :now2) RETURNING id";
constexpr const char* kFindForSignIn =
    "SELECT id, email, name, email_verified_at, created_at, password_hash FROM customers WHERE email = :email "
    "AND disabled_at IS NULL";  // a disabled account is answered like an unknown one
constexpr const char* kUpdateHash = "UPDATE customers SET password_hash = :hash, updated_at = :now WHERE id = :id";
constexpr const char* kRename = "UPDATE customers SET name = :name, updated_at = :now WHERE id = :id";
constexpr const char* kListSessions =
    "SELECT created_at, last_seen_at, expires_at FROM customer_sessions WHERE customer_id = :customer_id "
    "ORDER BY created_at";
constexpr const char* kListEvents =
    "SELECT topic, occurred_at FROM customer_account_events WHERE customer_id = :customer_id ORDER BY occurred_at";
constexpr const char* kDeleteCustomer = "DELETE FROM customers WHERE id = :id";
constexpr const char* kFindIdByEmail = "SELECT id FROM customers WHERE email = :email";
constexpr const char* kSelectHash = "SELECT password_hash, email FROM customers WHERE id = :id";

constexpr std::size_t kMaxEmailChars = 254;
constexpr std::size_t kMaxLocalChars = 64;
constexpr std::size_t kMaxNameChars = 200;

Error wrong_credentials() {
  return Error(ErrorCode::unauthorized, "The email or password is wrong.");
}

std::string checked_name(std::string_view name) {
  return detail::checked_text(name, "name", kMaxNameChars, false);
}

struct CustomerRow {
  long long id = 0;
  std::string email;
  std::string name;
  long long verified_at = 0;
  soci::indicator verified_ind = soci::i_null;
  long long created_at = 0;

  [[nodiscard]] Customer customer() const { return Customer{id, email, name, verified_ind == soci::i_ok, created_at}; }
};

std::optional<Customer> find_customer(soci::session& sql, long long id) {
  CustomerRow row;
  // A disabled account (CustomerDirectory) is gone for its own sessions too, even one opened by a
  // sign-in that raced the disabling.
  sql << "SELECT " << kCustomerColumns << " FROM customers WHERE id = :id AND disabled_at IS NULL", soci::use(id, "id"),
      soci::into(row.id), soci::into(row.email), soci::into(row.name), soci::into(row.verified_at, row.verified_ind),
      soci::into(row.created_at);
  if (!sql.got_data()) {
    return std::nullopt;
  }
  return row.customer();
}

SignIn open_session(soci::session& sql, const detail::Sessions& sessions, const Customer& customer, std::int64_t now) {
  auto opened = sessions.open(sql, customer.id, now);
  return SignIn{std::move(opened.token), customer, opened.expires_at};
}

}  // namespace

std::string normalize_email(std::string_view email) {
  auto out = detail::ascii_lower(detail::trimmed(email));
  const auto at = out.find('@');
  const bool shaped = out.size() >= 3 && out.size() <= kMaxEmailChars && at != std::string::npos && at > 0 &&
                      at <= kMaxLocalChars && out.find('@', at + 1) == std::string::npos &&
                      out.find('.', at + 2) != std::string::npos && out.back() != '.';
  const bool clean = std::none_of(out.begin(), out.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"' || c == ',';
  });
  if (!shaped || !clean) {
    throw Error::invalid_field("email", "must be an email address such as ada@example.com");
  }
  return out;
}

CustomerService::CustomerService(db::Database& db, PasswordHasher& hasher, cache::Cache& cache, CustomerOptions options)
    : db_(db),
      hasher_(hasher),
      options_(std::move(options)),
      throttle_(cache, options_.throttle, [this] { return now(); }),
      mail_throttle_(cache,
                     ThrottleRules{0, std::chrono::hours(1), options_.mail.emails_per_account_per_hour,
                                   options_.mail.requests_per_address_per_hour, std::chrono::hours(1)},
                     [this] { return now(); }),
      sessions_(std::make_unique<detail::Sessions>(db, cache, detail::kCustomerSessions, options_.sessions)) {}

CustomerService::~CustomerService() = default;

std::int64_t CustomerService::now() const {
  if (options_.now_us) {
    return options_.now_us();
  }
  return time::now_us();
}

bool CustomerService::register_customer(const Registration& registration, std::string_view client) {
  const auto email = normalize_email(registration.email);
  const auto name = checked_name(registration.name);
  check_new_password(registration.password, kCustomerPasswords, email);
  // Hashed before the email is looked at: a taken email costs the same time as a free one.
  const auto hash = hasher_.hash(registration.password);
  const long long at = now();
  std::string token;
  try {
    token = db_.transact(client, [&](soci::session& sql) {
      long long id = 0;
      sql << kInsertCustomer, soci::use(email, "email"), soci::use(name, "name"), soci::use(hash, "hash"),
          soci::use(at, "now"), soci::use(at, "now2"), soci::into(id);
      detail::publish(sql, kCustomerRegistered, id);
      return issue_token(sql, id, "verify", at);
    });
  } catch (const db::UniqueViolation& e) {
    if (e.constraint() != "customers_email_key") {
      throw;
    }
    // The owner of the address is told by email, and an event records it for the account's history.
    db_.transact(client, [&](soci::session& sql) {
      long long owner = 0;
      sql << kFindIdByEmail, soci::use(email, "email"), soci::into(owner);
      if (sql.got_data()) {
        detail::publish(sql, kRegistrationForTakenEmail, owner);
      }
    });
    send_taken_notice(email);
    return false;
  }
  send_verification(email, token);
  return true;
}

SignIn CustomerService::sign_in(std::string_view email, std::string_view password, std::string_view client) {
  std::string normalized;
  bool well_formed = true;
  try {
    normalized = normalize_email(email);
  } catch (const Error&) {
    normalized = detail::trimmed(email);
    well_formed = false;
  }
  // The throttle's name for the account: a hash, so that no address is a key in Redis, and any
  // input, however long, is a short one.
  const auto account = token_hash(normalized);
  throttle_.check(account, client);
  const auto refuse = [&] {
    throttle_.failed(account, client);
    return wrong_credentials();
  };
  if (!well_formed) {
    // Not even an address: no account has it, and the answer must not say so sooner.
    hasher_.verify_nobody(password);
    throw refuse();
  }
  CustomerRow row;
  std::string stored;
  const bool found = db_.read(client, db::Consistency::strong, [&](soci::session& sql) {
    sql << kFindForSignIn, soci::use(normalized, "email"), soci::into(row.id), soci::into(row.email),
        soci::into(row.name), soci::into(row.verified_at, row.verified_ind), soci::into(row.created_at),
        soci::into(stored);
    return sql.got_data();
  });
  if (!found) {
    hasher_.verify_nobody(password);
    throw refuse();
  }
  const auto verdict = hasher_.verify(password, stored);
  if (!verdict.matches) {
    throw refuse();
  }
  throttle_.succeeded(account);
  // Hashed outside the transaction: the database is not held for the hash's time.
  const auto rehashed = verdict.needs_rehash ? std::optional<std::string>(hasher_.hash(password)) : std::nullopt;
  const auto at = now();
  return db_.transact(client, [&](soci::session& sql) {
    if (rehashed) {
      const long long when = at;
      sql << kUpdateHash, soci::use(*rehashed, "hash"), soci::use(when, "now"), soci::use(row.id, "id");
    }
    return open_session(sql, *sessions_, row.customer(), at);
  });
}

std::optional<Customer> CustomerService::authenticate(std::string_view token) {
  const auto customer_id = sessions_->check(token, now());
  if (!customer_id) {
    return std::nullopt;
  }
  const long long id = *customer_id;
  return db_.read("", db::Consistency::strong, [&](soci::session& sql) { return find_customer(sql, id); });
}

void CustomerService::sign_out(std::string_view token) {
  sessions_->end(token);
}

void CustomerService::sign_out_everywhere(std::int64_t customer_id) {
  sessions_->end_all(customer_id);
}

Customer CustomerService::customer(std::int64_t id) {
  const long long key = id;
  auto found = db_.read("", db::Consistency::strong, [&](soci::session& sql) { return find_customer(sql, key); });
  if (!found) {
    throw Error(ErrorCode::not_found, "No such customer.");
  }
  return std::move(*found);
}

std::string CustomerService::reauthenticate(std::int64_t customer_id, std::string_view password,
                                            std::string_view client, const char* wrong) {
  const long long id = customer_id;
  std::string stored;
  std::string email;
  const bool found = db_.read(client, db::Consistency::strong, [&](soci::session& sql) {
    sql << kSelectHash, soci::use(id, "id"), soci::into(stored), soci::into(email);
    return sql.got_data();
  });
  if (!found) {
    throw Error(ErrorCode::not_found, "No such customer.");
  }
  // Guessing the password here is throttled like a sign-in.
  const auto account = token_hash(email);
  throttle_.check(account, client);
  if (!hasher_.verify(password, stored).matches) {
    throttle_.failed(account, client);
    throw Error(ErrorCode::unauthorized, wrong);
  }
  return email;
}

AccountHistory CustomerService::history(std::int64_t customer_id, std::string_view client) {
  const long long id = customer_id;
  return db_.read(client, db::Consistency::strong, [&](soci::session& sql) {
    AccountHistory out;
    {
      long long created = 0;
      long long seen = 0;
      long long expires = 0;
      soci::statement st = (sql.prepare << kListSessions, soci::use(id, "customer_id"), soci::into(created),
                            soci::into(seen), soci::into(expires));
      st.execute();
      while (st.fetch()) {
        out.sessions.push_back(SessionRecord{created, seen, expires});
      }
    }
    AccountEvent e;
    soci::statement st =
        (sql.prepare << kListEvents, soci::use(id, "customer_id"), soci::into(e.topic), soci::into(e.occurred_at));
    st.execute();
    while (st.fetch()) {
      out.events.push_back(e);
    }
    return out;
  });
}

void CustomerService::erase(std::int64_t customer_id, std::string_view password, std::string_view client) {
  const long long id = customer_id;
  (void)reauthenticate(id, password, client, "The password is wrong.");
  db_.transact(client, [&](soci::session& sql) {
    sql << kDeleteCustomer, soci::use(id, "id");
    detail::publish(sql, kCustomerErased, id);
  });
}

Customer CustomerService::rename(std::int64_t customer_id, std::string_view name, std::string_view client) {
  const auto checked = checked_name(name);
  const long long id = customer_id;
  const long long at = now();
  return db_.transact(client, [&](soci::session& sql) {
    sql << kRename, soci::use(checked, "name"), soci::use(at, "now"), soci::use(id, "id");
    auto customer = find_customer(sql, id);
    if (!customer) {
      throw Error(ErrorCode::not_found, "No such customer.");
    }
    return std::move(*customer);
  });
}

SignIn CustomerService::change_password(std::int64_t customer_id, std::string_view current, std::string_view next,
                                        std::string_view client) {
  const long long id = customer_id;
  const auto email = reauthenticate(id, current, client, "The current password is wrong.");
  check_new_password(next, kCustomerPasswords, email, "new_password");
  const auto hash = hasher_.hash(next);
  const auto at = now();
  return db_.transact(client, [&](soci::session& sql) {
    const long long when = at;
    sql << kUpdateHash, soci::use(hash, "hash"), soci::use(when, "now"), soci::use(id, "id");
    // Every other browser and client is signed out: a password change is often the answer to a
    // stolen session.
    sessions_->end_all(sql, id);
    detail::publish(sql, kPasswordChanged, id);
    auto customer = find_customer(sql, id);
    if (!customer) {
      throw Error(ErrorCode::not_found, "No such customer.");
    }
    return open_session(sql, *sessions_, *customer, at);
  });
}

}  // namespace ecom::identity
