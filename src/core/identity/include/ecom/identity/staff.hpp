// Staff of the admin portal (docs/identity.md): accounts with a role (roles.hpp), sign-in with a
// password and a TOTP second factor (with single-use recovery codes), staff sessions in a table of
// their own with short limits, and invitations for staff created without a password. The admin's
// routes sit on top; the service decides every rule, including "only an owner makes an owner" and
// "the last owner stays".
#pragma once

#include <ecom/db/database.hpp>
#include <ecom/identity/customers.hpp>
#include <ecom/identity/passwords.hpp>
#include <ecom/identity/throttle.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::identity {

struct StaffMember {
  std::int64_t id = 0;
  std::string email;  // lower case
  std::string name;
  std::string role;
  bool totp_enabled = false;
  bool active = true;    // false once disabled: cannot sign in
  bool invited = false;  // no password yet: the invitation is open
  std::int64_t created_at = 0;
};

struct StaffOptions {
  SessionLimits sessions{std::chrono::minutes(30), std::chrono::hours(12)};
  ThrottleRules throttle;
  // Staff without a second factor cannot sign in; they set one up at their first sign-in.
  bool require_totp = false;
  std::string totp_issuer = "ecom admin";  // shown by authenticator apps
  std::chrono::seconds invitation_valid{std::chrono::hours(72)};
  // Microseconds since the Unix epoch; the system clock unless a test sets its own.
  std::function<std::int64_t()> now_us;
};

struct StaffCredentials {
  std::string email;
  std::string password;
  std::optional<std::string> totp;  // six digits from the app, or a recovery code
};

struct StaffSignIn {
  std::string token;  // the session token: shown once (the staff cookie)
  StaffMember staff;
  std::int64_t expires_at = 0;  // the absolute end of the session, microseconds
  // Set only when this sign-in completed the set-up of the second factor: shown once.
  std::vector<std::string> recovery_codes;
};

// Who asks for a change to staff: the signed-in member's role, or nullopt for the operator's own
// tool (ecomctl), which may do anything.
struct StaffActor {
  std::int64_t id = 0;
  std::string role;
};

struct NewStaff {
  std::string email;
  std::string name;
  std::string role;
  std::optional<std::string> password;  // none: an invitation is made
};

struct CreatedStaff {
  StaffMember staff;
  std::optional<std::string> invitation_token;  // shown once, for the invitation link
};

struct StaffChange {
  std::optional<std::string> name = std::nullopt;
  std::optional<std::string> role = std::nullopt;
  std::optional<bool> active = std::nullopt;
};

struct TotpEnrolment {
  std::string secret;  // base32, for typing into the app
  std::string uri;     // otpauth://, for a QR code
};

class StaffService {
 public:
  // db, hasher and cache (shared sign-in counters) must outlive the service.
  StaffService(db::Database& db, PasswordHasher& hasher, cache::Cache& cache, StaffOptions options = {});
  ~StaffService();
  StaffService(const StaffService&) = delete;
  StaffService& operator=(const StaffService&) = delete;

  // A new session. Throws core::Error:
  //  - unauthorized (one message) for an unknown email, a wrong password, a disabled or invited
  //    account, after the same hashing work;
  //  - unauthorized with the member "totp_required": true when the account has a second factor
  //    and no code was given, and unauthorized "The code is wrong." for a wrong or replayed code;
  //  - forbidden with the members "totp_enrolment_required": true, "totp_secret" and "totp_uri"
  //    when require_totp is on and the account has no second factor yet: the caller signs in
  //    again with a code of that secret, which turns it on and returns the recovery codes;
  //  - too_many_requests (429, Retry-After) while the account or address is locked.
  [[nodiscard]] StaffSignIn sign_in(const StaffCredentials& credentials, std::string_view client);

  // The active staff member a session token belongs to, within the session's limits.
  [[nodiscard]] std::optional<StaffMember> authenticate(std::string_view token);
  void sign_out(std::string_view token);

  // Owners and administrators manage staff (the routes' permission); only an owner (or ecomctl)
  // makes, changes or removes an owner, and the last active owner can be neither demoted, disabled
  // nor removed (conflict). Invalid input is unprocessable naming "email", "name", "role" or
  // "password"; a taken email is a conflict naming "email".
  [[nodiscard]] CreatedStaff create(const NewStaff& staff, const std::optional<StaffActor>& by,
                                    std::string_view client);
  [[nodiscard]] std::vector<StaffMember> list();
  [[nodiscard]] StaffMember get(std::int64_t id);  // not_found
  [[nodiscard]] StaffMember update(std::int64_t id, const StaffChange& change, const std::optional<StaffActor>& by,
                                   std::string_view client);
  void remove(std::int64_t id, const std::optional<StaffActor>& by, std::string_view client);

  // Sets the password of an invited member from the invitation's token (single use, expires after
  // invitation_valid): not_found for an unknown, used or expired token.
  [[nodiscard]] StaffMember accept_invitation(std::string_view token, std::string_view password,
                                              std::string_view client);

  // Voluntary set-up of the second factor by a signed-in member: a new pending secret, then the
  // code that proves the app has it, which turns it on and returns ten recovery codes (shown once).
  [[nodiscard]] TotpEnrolment begin_totp(std::int64_t staff_id);
  [[nodiscard]] std::vector<std::string> confirm_totp(std::int64_t staff_id, std::string_view code);

  [[nodiscard]] const StaffOptions& options() const noexcept { return options_; }

 private:
  struct Impl;
  StaffOptions options_;  // before impl_, which keeps a reference to it
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecom::identity
