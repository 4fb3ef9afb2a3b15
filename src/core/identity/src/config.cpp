#include <ecom/identity/config.hpp>

#include <chrono>

namespace ecom::identity {

void declare_config(config::Schema& schema) {
  schema
      .integer("identity.password_hash_slots", 2, 1, 64,
               "Argon2id hashes that may run at once (each holds 19 MiB); more callers wait in the queue")
      .integer("identity.password_hash_queue", 8, 0, 1024,
               "sign-ins that may wait for a hashing slot; past them the answer is 503 with Retry-After")
      .integer("identity.customer_session_idle_minutes", 7 * 24 * 60, 5, 365 * 24 * 60,
               "a customer session unused this long ends")
      .integer("identity.customer_session_absolute_days", 30, 1, 365,
               "a customer session ends this long after sign-in, however busy")
      .integer("identity.lockout_failures", 10, 3, 100,
               "consecutive failed sign-ins that lock an account (429 with Retry-After)")
      .integer("identity.lockout_minutes", 15, 1, 24 * 60,
               "how long the first lock lasts; each further lock in the same run lasts twice as long");
}

HashingOptions hashing_options_from(const config::Config& config) {
  HashingOptions options;
  options.slots = static_cast<std::size_t>(config.integer("identity.password_hash_slots"));
  options.queue = static_cast<std::size_t>(config.integer("identity.password_hash_queue"));
  return options;
}

SessionLimits customer_sessions_from(const config::Config& config) {
  SessionLimits limits;
  limits.idle = std::chrono::minutes(config.integer("identity.customer_session_idle_minutes"));
  limits.absolute = std::chrono::hours(24 * config.integer("identity.customer_session_absolute_days"));
  return limits;
}

ThrottleRules throttle_rules_from(const config::Config& config) {
  ThrottleRules rules;
  rules.failures_before_lock = static_cast<int>(config.integer("identity.lockout_failures"));
  rules.lock = std::chrono::minutes(config.integer("identity.lockout_minutes"));
  return rules;
}

void declare_staff_config(config::Schema& schema) {
  schema
      .boolean("staff.require_totp", false,
               "staff must sign in with a TOTP second factor (set up at their first sign-in); on in production")
      .integer("staff.session_idle_minutes", 30, 5, 24 * 60, "a staff session unused this long ends")
      .integer("staff.session_absolute_hours", 12, 1, 7 * 24, "a staff session ends this long after sign-in")
      .string("staff.totp_issuer", "ecom admin", "the name authenticator apps show beside the staff's codes");
}

StaffOptions staff_options_from(const config::Config& config) {
  StaffOptions options;
  options.require_totp = config.boolean("staff.require_totp");
  options.sessions.idle = std::chrono::minutes(config.integer("staff.session_idle_minutes"));
  options.sessions.absolute = std::chrono::hours(config.integer("staff.session_absolute_hours"));
  options.totp_issuer = config.string("staff.totp_issuer");
  options.throttle = throttle_rules_from(config);
  return options;
}

}  // namespace ecom::identity
