#include "connection.hpp"
#include "sha256.hpp"

#include <ecom/db/migrations.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>

#include <fmt/format.h>
#include <soci/soci.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <system_error>

namespace ecom::db {
namespace {

constexpr const char* kCreateTablePostgresql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " checksum TEXT NOT NULL,"
    " applied_at TIMESTAMPTZ NOT NULL)";
constexpr const char* kCreateTableSqlite =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " checksum TEXT NOT NULL,"
    " applied_at TEXT NOT NULL)";
constexpr const char* kTableExistsPostgresql =
    "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE 1 END";
constexpr const char* kTableExistsSqlite =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
constexpr const char* kSelectAppliedPostgresql =
    "SELECT version, name, checksum, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
    " FROM schema_migrations ORDER BY version";
constexpr const char* kSelectAppliedSqlite =
    "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version";
// CURRENT_TIMESTAMP is UTC text on SQLite and a timestamptz on PostgreSQL.
constexpr const char* kInsertApplied =
    "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
    " VALUES (:version, :name, :checksum, CURRENT_TIMESTAMP)";
// Serialises migrators across processes until the transaction ends; the key spells "ecomigr".
constexpr const char* kAdvisoryLock = "SELECT pg_advisory_xact_lock(:key)";
constexpr long long kAdvisoryLockKey = 0x65636f6d696772;
// A migration may build an index for minutes: the request-sized statement_timeout does not apply.
constexpr const char* kNoStatementTimeout = "SELECT set_config('statement_timeout', '0', true)";
constexpr const char* kBeginImmediate = "BEGIN IMMEDIATE";

constexpr std::size_t kVersionDigits = 4;

struct MigrationFile {
  int version = 0;
  std::string name;
  std::string file;
  std::filesystem::path path;
};

struct AppliedRow {
  int version = 0;
  std::string name;
  std::string checksum;
  std::string applied_at;
};

std::string_view backend_folder(Backend backend) {
  return backend == Backend::postgresql ? "postgresql" : "sqlite";
}

std::string file_name(int version, const std::string& name) {
  return fmt::format("{:04}_{}.sql", version, name);
}

// "0002_cache.sql" -> {2, "cache"}; nullopt when the name does not follow NNNN_name.sql.
std::optional<std::pair<int, std::string>> parse_file_name(std::string_view file) {
  constexpr std::string_view kExtension = ".sql";
  if (file.size() <= kVersionDigits + 1 + kExtension.size() || !file.ends_with(kExtension) ||
      file[kVersionDigits] != '_') {
    return std::nullopt;
  }
  int version = 0;
  for (std::size_t i = 0; i < kVersionDigits; ++i) {
    if (file[i] < '0' || file[i] > '9') {
      return std::nullopt;
    }
    version = version * 10 + (file[i] - '0');
  }
  std::string_view name = file.substr(kVersionDigits + 1, file.size() - kVersionDigits - 1 - kExtension.size());
  const bool valid = std::all_of(name.begin(), name.end(),
                                 [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
  if (version == 0 || !valid) {
    return std::nullopt;
  }
  return std::pair{version, std::string(name)};
}

std::vector<MigrationFile> list_files(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw core::Error(core::ErrorCode::unavailable,
                      fmt::format("migrations folder {} not found (db.migrations_dir is read from the working "
                                  "directory)",
                                  dir.string()));
  }
  std::vector<MigrationFile> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (!entry.is_regular_file() || !file.ends_with(".sql")) {
      continue;
    }
    auto parsed = parse_file_name(file);
    if (!parsed) {
      throw core::Error(core::ErrorCode::unavailable,
                        fmt::format("badly named migration file {}: expected NNNN_name.sql (four digits from 0001, "
                                    "then lower-case letters, digits and _)",
                                    (dir / file).string()));
    }
    files.push_back(MigrationFile{parsed->first, std::move(parsed->second), file, entry.path()});
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < files.size(); ++i) {
    if (files[i].version == files[i - 1].version) {
      throw core::Error(core::ErrorCode::unavailable, fmt::format("two migration files have version {}: {} and {}",
                                                                  files[i].version, files[i - 1].file, files[i].file));
    }
  }
  return files;
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) {
    throw core::Error(core::ErrorCode::unavailable, fmt::format("cannot read migration file {}", path.string()));
  }
  return bytes;
}

std::vector<AppliedRow> read_applied(soci::session& session, Backend backend) {
  int exists = 0;
  session << (backend == Backend::postgresql ? kTableExistsPostgresql : kTableExistsSqlite), soci::into(exists);
  std::vector<AppliedRow> rows;
  if (exists == 0) {
    return rows;
  }
  AppliedRow row;
  soci::statement st =
      (session.prepare << (backend == Backend::postgresql ? kSelectAppliedPostgresql : kSelectAppliedSqlite),
       soci::into(row.version), soci::into(row.name), soci::into(row.checksum), soci::into(row.applied_at));
  st.execute();
  while (st.fetch()) {
    rows.push_back(row);
  }
  return rows;
}

// Files and recorded rows side by side, in version order.
std::vector<MigrationStatus> compare(const std::vector<MigrationFile>& files, const std::vector<AppliedRow>& rows) {
  std::map<int, MigrationStatus> merged;
  std::map<int, const AppliedRow*> applied;
  for (const auto& row : rows) {
    applied[row.version] = &row;
  }
  for (const auto& f : files) {
    MigrationStatus s;
    s.version = f.version;
    s.name = f.name;
    s.file = f.file;
    auto it = applied.find(f.version);
    if (it == applied.end()) {
      s.state = MigrationStatus::State::pending;
    } else {
      s.applied_at = it->second->applied_at;
      s.state = it->second->checksum == detail::sha256_hex(read_bytes(f.path)) ? MigrationStatus::State::applied
                                                                               : MigrationStatus::State::altered;
    }
    merged[f.version] = std::move(s);
  }
  for (const auto& row : rows) {
    if (merged.contains(row.version)) {
      continue;
    }
    MigrationStatus s;
    s.version = row.version;
    s.name = row.name;
    s.file = file_name(row.version, row.name);
    s.state = MigrationStatus::State::missing_file;
    s.applied_at = row.applied_at;
    merged[row.version] = std::move(s);
  }
  std::vector<MigrationStatus> out;
  out.reserve(merged.size());
  for (auto& [version, s] : merged) {
    out.push_back(std::move(s));
  }
  return out;
}

std::string describe_problem(const MigrationStatus& s) {
  switch (s.state) {
    case MigrationStatus::State::pending:
      return fmt::format("{} is not applied (the schema is behind: run ecomctl migrate)", s.file);
    case MigrationStatus::State::missing_file:
      return fmt::format(
          "version {} ({}) is applied but has no file (the schema is ahead: this binary is older than the database)",
          s.version, s.file);
    case MigrationStatus::State::altered:
      return fmt::format("{} was changed after it was applied (checksum differs; add a new migration instead)", s.file);
    case MigrationStatus::State::applied:
      break;
  }
  return {};
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : std::string(separator)) + item;
  }
  return out;
}

}  // namespace

std::string_view to_string(MigrationStatus::State state) noexcept {
  switch (state) {
    case MigrationStatus::State::applied:
      return "applied";
    case MigrationStatus::State::pending:
      return "pending";
    case MigrationStatus::State::missing_file:
      return "missing file";
    case MigrationStatus::State::altered:
      return "altered";
  }
  return "unknown";
}

Migrator::Migrator(Database& db) : Migrator(db, db.options().migrations_dir) {}

Migrator::Migrator(Database& db, const std::filesystem::path& root)
    : db_(db), dir_(root / std::string(backend_folder(db.backend()))) {}

std::vector<MigrationStatus> Migrator::status() {
  const auto files = list_files(dir_);
  Lease lease = db_.primary();
  try {
    return compare(files, read_applied(lease.session(), db_.backend()));
  } catch (const soci::soci_error& e) {
    if (detail::is_connection_failure(e, lease.session(), db_.backend())) {
      lease.mark_broken();
      throw core::Error(core::ErrorCode::unavailable, "the database connection was lost while reading migrations");
    }
    throw core::Error(core::ErrorCode::internal,
                      fmt::format("cannot read schema_migrations: {}", e.get_error_message()));
  }
}

std::vector<std::string> Migrator::apply() {
  const auto files = list_files(dir_);
  const Backend backend = db_.backend();
  std::vector<std::string> done;
  // One transaction per file; a round that finds nothing pending ends the loop.
  for (std::size_t round = 0; round <= files.size(); ++round) {
    Lease lease = db_.primary();
    soci::session& session = lease.session();
    std::optional<std::string> applied_file;
    try {
      if (backend == Backend::postgresql) {
        session.begin();
        session << kAdvisoryLock, soci::use(kAdvisoryLockKey);
        session << kNoStatementTimeout;
      } else {
        session << kBeginImmediate;
      }
      session << (backend == Backend::postgresql ? kCreateTablePostgresql : kCreateTableSqlite);
      // Read under the lock: another migrator may have applied files while this one waited.
      const auto current = compare(files, read_applied(session, backend));
      std::vector<std::string> problems;
      for (const auto& s : current) {
        if (s.state == MigrationStatus::State::altered || s.state == MigrationStatus::State::missing_file) {
          problems.push_back(describe_problem(s));
        }
      }
      if (!problems.empty()) {
        throw core::Error(core::ErrorCode::unavailable,
                          fmt::format("refusing to migrate {}: {}", dir_.string(), join(problems, "; ")));
      }
      auto next = std::find_if(current.begin(), current.end(),
                               [](const auto& s) { return s.state == MigrationStatus::State::pending; });
      if (next != current.end()) {
        const auto& file =
            *std::find_if(files.begin(), files.end(), [&](const auto& f) { return f.version == next->version; });
        const std::string script = read_bytes(file.path);
        try {
          detail::execute_script(session, backend, script);
        } catch (const soci::soci_error& e) {
          if (detail::is_connection_failure(e, session, backend)) {
            throw;
          }
          throw core::Error(core::ErrorCode::internal, fmt::format("migration {} failed and was rolled back: {}",
                                                                   (dir_ / file.file).string(), e.get_error_message()));
        }
        const std::string checksum = detail::sha256_hex(script);
        session << kInsertApplied, soci::use(file.version), soci::use(file.name), soci::use(checksum);
        applied_file = file.file;
      }
      session.commit();
    } catch (const soci::soci_error& e) {
      if (!detail::reset_for_reuse(session, backend) || detail::is_connection_failure(e, session, backend)) {
        lease.mark_broken();
        throw core::Error(core::ErrorCode::unavailable, fmt::format("the database connection was lost while "
                                                                    "migrating: {}",
                                                                    e.get_error_message()));
      }
      throw core::Error(core::ErrorCode::internal,
                        fmt::format("migrating {} failed: {}", dir_.string(), e.get_error_message()));
    } catch (...) {
      if (!detail::reset_for_reuse(session, backend)) {
        lease.mark_broken();
      }
      throw;
    }
    if (!applied_file) {
      break;
    }
    log::info("applied migration", {{"file", *applied_file}});
    done.push_back(std::move(*applied_file));
  }
  return done;
}

void Migrator::verify() {
  std::vector<std::string> problems;
  for (const auto& s : status()) {
    if (s.state != MigrationStatus::State::applied) {
      problems.push_back(describe_problem(s));
    }
  }
  if (!problems.empty()) {
    throw core::Error(core::ErrorCode::unavailable,
                      fmt::format("the database schema does not match {}: {}", dir_.string(), join(problems, "; ")));
  }
}

}  // namespace ecom::db
