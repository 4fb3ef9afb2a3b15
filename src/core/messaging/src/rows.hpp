// Pieces shared by the relay, the consumers, the embedded dispatcher and the admin commands:
// outbox rows, headers as JSON, queue names, and running one handler once.
#pragma once

#include <ecom/messaging/options.hpp>
#include <ecom/messaging/subscription.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace soci {
class session;
}
namespace ecom::db {
class Database;
}

namespace ecom::messaging::detail {

struct OutboxRow {
  long long id = 0;
  std::string message_id;
  std::string topic;
  std::string payload;
  std::string headers;  // JSON object text
  std::string created_at;
  int attempts = 0;
};

// Runs a claim/select statement (claim_batch or select_due) and reads its rows. with_attempts:
// the statement has the attempts column (select_due).
[[nodiscard]] std::vector<OutboxRow> fetch_rows(soci::session& tx, const char* sql, std::size_t limit,
                                                bool with_attempts);

[[nodiscard]] std::string headers_to_json(const std::map<std::string, std::string>& headers);
// String members only; anything else in the text is ignored (it was written by headers_to_json).
[[nodiscard]] std::map<std::string, std::string> headers_from_json(const std::string& json);

// Header names the messaging layer adds on the broker; never shown to handlers as event headers.
inline constexpr const char* kAttemptHeader = "x-ecom-attempt";
inline constexpr const char* kCreatedAtHeader = "x-ecom-created-at";
inline constexpr const char* kQueueHeader = "x-ecom-queue";  // dead letters: the queue to return to
inline constexpr const char* kConsumerHeader = "x-ecom-consumer";
inline constexpr const char* kErrorHeader = "x-ecom-error";

[[nodiscard]] std::string consumer_queue(const MessagingOptions& options, const std::string& consumer);
[[nodiscard]] std::string retry_queue(const MessagingOptions& options, const std::string& consumer);
[[nodiscard]] std::string dead_letter_queue(const MessagingOptions& options);

enum class HandleResult { applied, duplicate };

// The inbox rule: in one transaction, record (consumer, message id) in the inbox and apply the
// handler; a message already in the inbox is a duplicate and the handler does not run. Throws
// whatever the handler (or the database) throws; the transaction is then rolled back.
HandleResult handle_once(db::Database& db, const Subscription& subscription, const Message& message);

// A one-line description of the exception being handled, for logs, last_error and dead letters.
[[nodiscard]] std::string current_error_text();

[[nodiscard]] std::int64_t unix_seconds_now();

}  // namespace ecom::messaging::detail
