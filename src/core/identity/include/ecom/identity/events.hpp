// The events the identity module publishes through the outbox, in the same transaction as the
// change, and its own consumer of them (ecom-worker runs it) that records each in the account's
// history (customer_account_events). Payloads carry ids only: no email, name or secret leaves the
// module in an event.
//
//   identity.customer_registered            {"customer_id": 7}  a new account
//   identity.registration_for_taken_email   {"customer_id": 7}  someone tried to register the
//                                                               address of account 7 (its owner
//                                                               is to be told, by email)
//   identity.customer_verified              {"customer_id": 7}  the email address is confirmed
//   identity.password_changed               {"customer_id": 7}
//   identity.password_reset                 {"customer_id": 7}  changed through a reset link
//   identity.customer_erased                {"customer_id": 7}  the account and its personal data are gone
#pragma once

#include <ecom/messaging/subscription.hpp>

#include <string_view>

namespace ecom::identity {

inline constexpr std::string_view kCustomerRegistered = "identity.customer_registered";
inline constexpr std::string_view kRegistrationForTakenEmail = "identity.registration_for_taken_email";
inline constexpr std::string_view kCustomerVerified = "identity.customer_verified";
inline constexpr std::string_view kPasswordChanged = "identity.password_changed";
inline constexpr std::string_view kPasswordReset = "identity.password_reset";
inline constexpr std::string_view kCustomerErased = "identity.customer_erased";

// The consumer "identity-account-events" on "identity.#".
[[nodiscard]] messaging::Subscription account_events_subscription();

}  // namespace ecom::identity
