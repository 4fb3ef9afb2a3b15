// One connection's life: turning db.url into what SOCI needs, opening and preparing a session,
// telling a dead connection from a failed statement, and running a whole SQL script natively.
#pragma once

#include <ecom/db/database.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace soci {
class soci_error;
}

namespace ecom::db::detail {

// Where and how to connect. conninfo may hold the password; display never does.
struct Target {
  Backend backend = Backend::sqlite;
  std::string conninfo;  // libpq keyword string, or the SQLite file path
  std::string display;   // for logs and messages
  std::chrono::milliseconds statement_timeout{5000};
  std::chrono::milliseconds connect_timeout{2000};
};

// Parses "sqlite:PATH", "postgresql://..." / "postgres://..." or a libpq keyword string, adds the
// password (when not empty), application_name=ecom and connect_timeout. Throws
// config::ConfigError naming `key` when the URL is malformed.
[[nodiscard]] Target parse_target(std::string_view url, const std::string& password,
                                  std::chrono::milliseconds statement_timeout,
                                  std::chrono::milliseconds connect_timeout, std::string_view key);

// Opens and prepares a session: SQLite creates the file's folder, sets the busy timeout, WAL,
// foreign keys and synchronous=NORMAL; PostgreSQL sets statement_timeout. Throws
// core::Error(unavailable) when the server cannot be reached: a generic message for clients, a
// log text naming target.display and the driver's reason.
[[nodiscard]] std::unique_ptr<soci::session> open_session(const Target& target);

// Cheap check before handing out an idle connection, without a round trip: a PostgreSQL
// connection the server closed (restart, terminate) has its socket readable or hung up.
[[nodiscard]] bool looks_alive(soci::session& session, Backend backend);

// Leaves the session outside any transaction, rolling back one that a caller left open. Returns
// false when that failed and the session must be dropped.
[[nodiscard]] bool reset_for_reuse(soci::session& session, Backend backend);

// True when e (or the connection's state after it) says the connection is gone.
[[nodiscard]] bool is_connection_failure(const soci::soci_error& e, soci::session& session, Backend backend);

// Why a statement failed, if that is something a caller may retry: a statement timeout or a
// busy SQLite file. Empty otherwise.
[[nodiscard]] std::string_view retryable_reason(const soci::soci_error& e, Backend backend);

// When e is a unique constraint violation (PostgreSQL SQLSTATE 23505; SQLite's extended result
// codes SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY), the constraint's name (see
// UniqueViolation); nullopt for anything else. session is the one e was raised on.
[[nodiscard]] std::optional<std::string> unique_violation(const soci::soci_error& e, soci::session& session,
                                                          Backend backend);

// SQLite reports which unique constraint failed only in its message: "UNIQUE constraint failed:
// products.slug" (columns) or "... failed: index 'name'" (an index on expressions). Turns that into
// PostgreSQL's default name for the constraint (products_slug_key; table_pkey when primary_key).
// Exposed for its test.
[[nodiscard]] std::string sqlite_constraint_name(std::string_view message, bool primary_key);

// Runs a script of one or more statements with the backend's own API (PQexec, sqlite3_exec), so
// SOCI neither rewrites ":name" inside it nor (on SQLite) stops after the first statement. Throws
// soci::soci_error with the server's message.
void execute_script(soci::session& session, Backend backend, const std::string& script);

}  // namespace ecom::db::detail
