#include "connection.hpp"

#include <ecom/platform/config.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>

#include <fmt/format.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <libpq-events.h>
#include <limits>
#include <poll.h>
#include <system_error>
#include <utility>
#include <vector>

namespace ecom::db::detail {
namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";
constexpr std::string_view kApplicationName = "ecom";

// Fixed text: statement_timeout is bound through set_config, which, unlike SET, takes parameters.
constexpr const char* kSetStatementTimeout = "SELECT set_config('statement_timeout', :ms, false)";
// WAL lets readers in other processes run beside one writer; NORMAL is durable in WAL mode
// except for the last transactions before a power cut, the usual trade for a web store.
constexpr const char* kSqlitePragmas = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;";
constexpr const char* kRollback = "ROLLBACK";

// PostgreSQL SQLSTATEs a caller may retry.
constexpr std::string_view kQueryCanceled = "57014";  // statement_timeout
constexpr std::string_view kUniqueViolation = "23505";
constexpr std::string_view kSerializationFailure = "40001";
constexpr std::string_view kDeadlockDetected = "40P01";
constexpr std::string_view kLockNotAvailable = "55P03";
constexpr const char* kConnectionFailure = "08006";
// SQLite: the primary result code within an extended one (SQLITE_BUSY within SQLITE_BUSY_SNAPSHOT).
constexpr int kPrimaryResultMask = 0xFF;

// libpq and SOCI messages span lines; one line reads better in a log field or a terminal.
std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out.push_back(' ');
      space = false;
    }
    out.push_back(c);
  }
  return out;
}

// libpq keywords whose values never go to a log or a message.
bool is_secret(std::string_view keyword) {
  return keyword == "password" || keyword == "sslpassword";
}

// A libpq keyword value, quoted so that spaces, quotes and backslashes survive.
std::string quote_value(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

// What a client may read when a connection cannot be opened: an answer that named the server, the
// user, the database or the file would map the deployment for whoever asks. Those, with the
// driver's reason, are the log text (and what an operator reads when a process cannot start).
constexpr const char* kCannotConnect = "The database cannot be reached.";

core::Error unreachable(std::string log_text) {
  return core::Error(core::ErrorCode::unavailable, kCannotConnect).with_log_text(std::move(log_text));
}

// SOCI keeps only the SQLSTATE and the message of a failed PostgreSQL statement, not its error
// fields. This libpq event procedure sees every result as libpq creates it, and keeps the
// constraint a failed one names (PG_DIAG_CONSTRAINT_NAME) in the connection's instance data, where
// unique_violation() reads it after SOCI has thrown. Results are created on the thread that runs the
// statement, and a connection is used by one thread at a time (a lease), so no lock is needed.
int remember_constraint(PGEventId event, void* info, void* /*pass_through*/) {
  switch (event) {
    case PGEVT_REGISTER: {
      auto* registered = static_cast<PGEventRegister*>(info);
      return PQsetInstanceData(registered->conn, remember_constraint, new std::string());
    }
    case PGEVT_CONNDESTROY: {
      auto* destroyed = static_cast<PGEventConnDestroy*>(info);
      delete static_cast<std::string*>(PQinstanceData(destroyed->conn, remember_constraint));
      return 1;
    }
    case PGEVT_RESULTCREATE: {
      auto* created = static_cast<PGEventResultCreate*>(info);
      if (PQresultStatus(created->result) == PGRES_FATAL_ERROR) {
        if (auto* last = static_cast<std::string*>(PQinstanceData(created->conn, remember_constraint))) {
          const char* name = PQresultErrorField(created->result, PG_DIAG_CONSTRAINT_NAME);
          last->assign(name != nullptr ? name : "");
        }
      }
      return 1;
    }
    default:
      return 1;
  }
}

PGconn* pg_conn(soci::session& session) {
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  return backend == nullptr ? nullptr : backend->conn_;
}

sqlite_api::sqlite3* sqlite_conn(soci::session& session) {
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  return backend == nullptr ? nullptr : backend->conn_;
}

Target parse_sqlite(std::string_view url, std::chrono::milliseconds statement_timeout, std::string_view key) {
  std::string path(url.substr(kSqlitePrefix.size()));
  if (path.empty() || path == ":memory:") {
    // An in-memory database is private to one connection: a pool of them would be several
    // unrelated databases.
    throw config::ConfigError(fmt::format("{}: expected sqlite:PATH to a database file, got '{}'", key, url));
  }
  // SOCI's SQLite backend splits its connection string on spaces and '='.
  if (path.find_first_of(" =\"") != std::string::npos) {
    throw config::ConfigError(
        fmt::format("{}: the SQLite file path must not contain spaces, '=' or quotes, got '{}'", key, path));
  }
  Target target;
  target.backend = Backend::sqlite;
  target.conninfo = path;
  target.display = std::string(kSqlitePrefix) + path;
  target.statement_timeout = statement_timeout;
  return target;
}

Target parse_postgresql(std::string_view url, const std::string& password, std::chrono::milliseconds statement_timeout,
                        std::chrono::milliseconds connect_timeout, std::string_view key) {
  const bool is_uri = url.starts_with("postgresql://") || url.starts_with("postgres://");
  if (!is_uri && url.find('=') == std::string_view::npos) {
    throw config::ConfigError(fmt::format(
        "{}: expected sqlite:PATH or a PostgreSQL URL (postgresql://user@host:port/database), got '{}'", key, url));
  }
  const std::string text(url);
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(text.c_str(), &error);
  if (options == nullptr) {
    std::string reason = error != nullptr ? one_line(error) : std::string("out of memory");
    PQfreemem(error);
    throw config::ConfigError(fmt::format("{}: malformed PostgreSQL connection string: {}", key, reason));
  }
  std::vector<std::pair<std::string, std::string>> params;
  bool url_has_password = false;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') {
      continue;
    }
    if (is_secret(o->keyword)) {
      url_has_password = true;
    }
    params.emplace_back(o->keyword, o->val);
  }
  PQconninfoFree(options);

  auto set = [&params](std::string_view name, std::string value, bool override) {
    auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
    if (it == params.end()) {
      params.emplace_back(std::string(name), std::move(value));
    } else if (override) {
      it->second = std::move(value);
    }
  };
  if (!password.empty()) {
    set("password", password, true);
  }
  set("application_name", std::string(kApplicationName), false);
  // libpq counts whole seconds and treats 1 as 2.
  const auto seconds = std::max<std::chrono::milliseconds::rep>(2, (connect_timeout.count() + 999) / 1000);
  set("connect_timeout", std::to_string(seconds), false);

  Target target;
  target.backend = Backend::postgresql;
  target.statement_timeout = statement_timeout;
  target.connect_timeout = connect_timeout;
  std::string shown;
  for (const auto& [name, value] : params) {
    if (!target.conninfo.empty()) {
      target.conninfo += ' ';
    }
    target.conninfo += name + "=" + quote_value(value);
    if (!is_secret(name) && name != "application_name" && name != "connect_timeout") {
      if (!shown.empty()) {
        shown += ' ';
      }
      shown += name;
      shown += '=';
      shown += value;
    }
  }
  target.display = url_has_password ? shown : text;
  return target;
}

std::unique_ptr<soci::session> open_postgresql(const Target& target) {
  std::unique_ptr<soci::session> session;
  try {
    session = std::make_unique<soci::session>(soci::postgresql, target.conninfo);
  } catch (const soci::soci_error& e) {
    // SOCI's own preamble adds nothing to libpq's message.
    constexpr std::string_view kPreamble = "Cannot establish connection to the database. ";
    std::string reason = one_line(e.get_error_message());
    if (reason.starts_with(kPreamble)) {
      reason.erase(0, kPreamble.size());
    }
    throw unreachable(fmt::format("cannot connect to the database {}: {}", target.display, reason));
  }
  if (PQregisterEventProc(pg_conn(*session), remember_constraint, "ecom-constraint", nullptr) == 0) {
    throw unreachable(fmt::format("cannot prepare a connection to the database {}: out of memory", target.display));
  }
  // libpq prints NOTICEs ("relation ... already exists, skipping") on stderr; they belong in the
  // log, as debug lines.
  PQsetNoticeProcessor(
      pg_conn(*session),
      [](void* /*arg*/, const char* message) {
        log::debug("database notice", {{"notice", one_line(message)}});
      },
      nullptr);
  try {
    const std::string ms = std::to_string(target.statement_timeout.count());
    std::string previous;
    *session << kSetStatementTimeout, soci::use(ms), soci::into(previous);
  } catch (const soci::soci_error& e) {
    throw unreachable(fmt::format("cannot prepare a connection to the database {}: {}", target.display,
                                  one_line(e.get_error_message())));
  }
  return session;
}

std::unique_ptr<soci::session> open_sqlite(const Target& target) {
  const std::filesystem::path file(target.conninfo);
  if (file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) {
      throw unreachable(
          fmt::format("cannot create the folder {} for the database: {}", file.parent_path().string(), ec.message()));
    }
  }
  std::unique_ptr<soci::session> session;
  try {
    session = std::make_unique<soci::session>(soci::sqlite3, target.conninfo);
  } catch (const soci::soci_error& e) {
    throw unreachable(fmt::format("cannot open the database {}: {}", target.display, one_line(e.get_error_message())));
  }
  auto* conn = sqlite_conn(*session);
  const auto busy_ms = static_cast<int>(
      std::min<std::chrono::milliseconds::rep>(target.statement_timeout.count(), std::numeric_limits<int>::max()));
  // Before the pragmas: switching to WAL itself waits for other processes' locks.
  sqlite_api::sqlite3_busy_timeout(conn, busy_ms);
  // Extended result codes tell a UNIQUE or PRIMARY KEY violation (SQLITE_CONSTRAINT_UNIQUE) from a
  // CHECK or a foreign key; code that compares primary codes masks with 0xFF.
  sqlite_api::sqlite3_extended_result_codes(conn, 1);
  char* error = nullptr;
  const int rc = sqlite_api::sqlite3_exec(conn, kSqlitePragmas, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string reason = error != nullptr ? error : sqlite_api::sqlite3_errstr(rc);
    sqlite_api::sqlite3_free(error);
    throw unreachable(fmt::format("cannot prepare the database {}: {}", target.display, reason));
  }
  return session;
}

}  // namespace

Target parse_target(std::string_view url, const std::string& password, std::chrono::milliseconds statement_timeout,
                    std::chrono::milliseconds connect_timeout, std::string_view key) {
  if (url.starts_with(kSqlitePrefix)) {
    return parse_sqlite(url, statement_timeout, key);
  }
  return parse_postgresql(url, password, statement_timeout, connect_timeout, key);
}

std::unique_ptr<soci::session> open_session(const Target& target) {
  return target.backend == Backend::postgresql ? open_postgresql(target) : open_sqlite(target);
}

bool looks_alive(soci::session& session, Backend backend) {
  if (backend == Backend::sqlite) {
    return true;
  }
  PGconn* conn = pg_conn(session);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    return false;
  }
  const int fd = PQsocket(conn);
  if (fd < 0) {
    return false;
  }
  // An idle connection has nothing to read: we never LISTEN. Data or a hang-up means the server
  // said goodbye (FATAL: terminating connection...) or is gone; dropping it costs one reconnect.
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) <= 0;
}

bool reset_for_reuse(soci::session& session, Backend backend) {
  if (backend == Backend::sqlite) {
    auto* conn = sqlite_conn(session);
    if (conn == nullptr) {
      return false;
    }
    if (sqlite_api::sqlite3_get_autocommit(conn) != 0) {
      return true;
    }
    return sqlite_api::sqlite3_exec(conn, kRollback, nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  PGconn* conn = pg_conn(session);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    return false;
  }
  switch (PQtransactionStatus(conn)) {
    case PQTRANS_IDLE:
      return true;
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR: {
      PGresult* result = PQexec(conn, kRollback);
      const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
      PQclear(result);
      return ok;
    }
    case PQTRANS_ACTIVE:
    case PQTRANS_UNKNOWN:
      return false;
  }
  return false;
}

bool is_connection_failure(const soci::soci_error& e, soci::session& session, Backend backend) {
  if (e.get_error_category() == soci::soci_error::connection_error) {
    return true;
  }
  if (backend == Backend::postgresql) {
    PGconn* conn = pg_conn(session);
    return conn == nullptr || PQstatus(conn) != CONNECTION_OK;
  }
  return false;
}

std::string_view retryable_reason(const soci::soci_error& e, Backend backend) {
  if (backend == Backend::postgresql) {
    if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
      const std::string state = pg->sqlstate();
      if (state == kQueryCanceled) {
        return "the database statement timed out";
      }
      if (state == kSerializationFailure || state == kDeadlockDetected || state == kLockNotAvailable) {
        return "the database transaction conflicted with another one";
      }
    }
    return {};
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    const int primary = lite->result() & kPrimaryResultMask;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
      return "the database is busy";
    }
  }
  return {};
}

std::optional<std::string> unique_violation(const soci::soci_error& e, soci::session& session, Backend backend) {
  if (backend == Backend::postgresql) {
    const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e);
    if (pg == nullptr || pg->sqlstate() != kUniqueViolation) {
      return std::nullopt;
    }
    PGconn* conn = pg_conn(session);
    const auto* last = conn != nullptr ? static_cast<std::string*>(PQinstanceData(conn, remember_constraint)) : nullptr;
    return last != nullptr ? *last : std::string();
  }
  const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e);
  if (lite == nullptr) {
    return std::nullopt;
  }
  const int code = lite->result();
  if (code != SQLITE_CONSTRAINT_UNIQUE && code != SQLITE_CONSTRAINT_PRIMARYKEY) {
    return std::nullopt;
  }
  return sqlite_constraint_name(e.get_error_message(), code == SQLITE_CONSTRAINT_PRIMARYKEY);
}

std::string sqlite_constraint_name(std::string_view message, bool primary_key) {
  // The one place that reads an SQLite message: its API names no constraint (see the header).
  // SQLite's messages are not translated; SOCI puts its own prefix before them.
  constexpr std::string_view kFailed = "constraint failed: ";
  constexpr std::string_view kIndex = "index '";
  const auto at = message.find(kFailed);
  if (at == std::string_view::npos) {
    return {};
  }
  std::string_view rest = message.substr(at + kFailed.size());
  if (rest.starts_with(kIndex)) {
    rest.remove_prefix(kIndex.size());
    return std::string(rest.substr(0, rest.find('\'')));
  }
  // "table.column, table.column": the table once, then each column.
  std::string table;
  std::string columns;
  while (!rest.empty()) {
    const auto comma = rest.find(", ");
    const std::string_view item = rest.substr(0, comma);
    const auto dot = item.find('.');
    if (dot == std::string_view::npos) {
      return {};
    }
    table = std::string(item.substr(0, dot));
    columns += '_';
    columns += item.substr(dot + 1);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
  }
  if (table.empty()) {
    return {};
  }
  return primary_key ? table + "_pkey" : table + columns + "_key";
}

void execute_script(soci::session& session, Backend backend, const std::string& script) {
  if (backend == Backend::sqlite) {
    auto* conn = sqlite_conn(session);
    char* error = nullptr;
    const int rc = sqlite_api::sqlite3_exec(conn, script.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
      std::string reason = error != nullptr ? error : sqlite_api::sqlite3_errstr(rc);
      sqlite_api::sqlite3_free(error);
      throw soci::sqlite3_soci_error(reason, rc);
    }
    return;
  }
  PGconn* conn = pg_conn(session);
  PGresult* result = PQexec(conn, script.c_str());
  const ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    PQclear(result);
    return;
  }
  std::string reason = one_line(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn));
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  PQclear(result);
  // A lost connection has no SQLSTATE; 08006 makes SOCI classify it as a connection error.
  throw soci::postgresql_soci_error(reason, state != nullptr ? state : kConnectionFailure);
}

}  // namespace ecom::db::detail
