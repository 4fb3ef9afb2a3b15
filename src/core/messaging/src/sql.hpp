// The messaging module's SQL: the outbox, inbox and dead_letters tables (migrations/*/0001_messaging.sql).
// Most statements are the same on both backends; where they differ (the current time, interval
// arithmetic, row locking) each backend has its own text, picked once by statements().
#pragma once

#include <ecom/db/database.hpp>

namespace ecom::messaging::detail {

// --- the same on PostgreSQL and SQLite (ON CONFLICT DO NOTHING needs SQLite 3.24) ---------------

inline constexpr const char* kInsertOutbox =
    "INSERT INTO outbox (message_id, topic, payload, headers, created_at) "
    "VALUES (:message_id, :topic, :payload, :headers, :created_at) ON CONFLICT (message_id) DO NOTHING";

// A row in the inbox means "this consumer has applied this message"; inserted in the handler's
// transaction, so a duplicate delivery finds it and is skipped.
inline constexpr const char* kInsertInbox =
    "INSERT INTO inbox (consumer, message_id) VALUES (:consumer, :message_id) "
    "ON CONFLICT (consumer, message_id) DO NOTHING";

inline constexpr const char* kMarkPublishFailed =
    "UPDATE outbox SET attempts = attempts + 1, last_error = :error WHERE id = :id";

inline constexpr const char* kInsertDeadLetter =
    "INSERT INTO dead_letters (consumer, message_id, topic, payload, headers, attempts, last_error) "
    "VALUES (:consumer, :message_id, :topic, :payload, :headers, :attempts, :error) "
    "ON CONFLICT (consumer, message_id) DO NOTHING";

inline constexpr const char* kCountPending = "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL";
inline constexpr const char* kCountSent = "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL";
inline constexpr const char* kCountDeadLetters = "SELECT COUNT(*) FROM dead_letters";

// retry-dead, embedded mode: the dead letters' outbox rows become pending again (consumers that
// already applied them skip them through their inbox), then the dead letters go.
inline constexpr const char* kRequeueDeadLetters =
    "UPDATE outbox SET sent_at = NULL, attempts = 0, next_attempt_at = NULL, last_error = NULL "
    "WHERE message_id IN (SELECT message_id FROM dead_letters)";
inline constexpr const char* kDeleteDeadLetters = "DELETE FROM dead_letters";

// --- per backend ---------------------------------------------------------------------------------

struct Statements {
  // Relay: the oldest unsent rows. On PostgreSQL they stay locked (FOR UPDATE SKIP LOCKED) until
  // the relay's transaction ends, so a second relay takes the next rows instead of the same ones.
  // SQLite has no row locks, and a transaction there locks the whole file (BEGIN IMMEDIATE), so
  // the SQLite relay reads the rows outside a transaction and marks them afterwards.
  const char* claim_batch;
  const char* mark_sent;  // :error may be NULL
  // Embedded dispatcher: unsent rows whose retry time has come.
  const char* select_due;
  const char* mark_dispatched;  // :attempts, :error (NULL when every consumer succeeded), :id
  const char* reschedule;       // :attempts, :delay_ms, :error, :id
};

inline constexpr Statements kPostgresql{
    .claim_batch =
        "SELECT id, message_id, topic, payload, headers, "
        "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') "
        "FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED",
    .mark_sent = "UPDATE outbox SET sent_at = now(), attempts = attempts + 1, last_error = :error WHERE id = :id",
    .select_due =
        "SELECT id, message_id, topic, payload, headers, "
        "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), attempts "
        "FROM outbox WHERE sent_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= now()) "
        "ORDER BY id LIMIT :limit",
    .mark_dispatched =
        "UPDATE outbox SET sent_at = now(), attempts = :attempts, next_attempt_at = NULL, last_error = :error "
        "WHERE id = :id",
    .reschedule =
        "UPDATE outbox SET attempts = :attempts, "
        "next_attempt_at = now() + CAST(:delay_ms AS double precision) * interval '1 millisecond', "
        "last_error = :error WHERE id = :id",
};

#define ECOM_SQLITE_NOW "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
inline constexpr Statements kSqlite{
    .claim_batch =
        "SELECT id, message_id, topic, payload, headers, created_at "
        "FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT :limit",
    .mark_sent =
        "UPDATE outbox SET sent_at = " ECOM_SQLITE_NOW ", attempts = attempts + 1, last_error = :error WHERE id = :id",
    .select_due =
        "SELECT id, message_id, topic, payload, headers, created_at, attempts "
        "FROM outbox WHERE sent_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= " ECOM_SQLITE_NOW
        ") ORDER BY id LIMIT :limit",
    .mark_dispatched = "UPDATE outbox SET sent_at = " ECOM_SQLITE_NOW
                       ", attempts = :attempts, next_attempt_at = NULL, last_error = :error WHERE id = :id",
    .reschedule =
        "UPDATE outbox SET attempts = :attempts, "
        "next_attempt_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+' || (CAST(:delay_ms AS REAL) / 1000.0) || ' "
        "seconds'), "
        "last_error = :error WHERE id = :id",
};
#undef ECOM_SQLITE_NOW

[[nodiscard]] inline const Statements& statements(db::Backend backend) noexcept {
  return backend == db::Backend::postgresql ? kPostgresql : kSqlite;
}

}  // namespace ecom::messaging::detail
