// Schema migrations: migrations/<backend>/NNNN_name.sql, applied in order, each in its own
// transaction, recorded with a SHA-256 checksum in schema_migrations. A server refuses to start
// against a schema that is behind (pending files), ahead (applied versions with no file) or altered
// (checksum differs): running new code on an old schema, or old code on a new one, loses data.
//
// A file is executed as one script by the backend's own API (PQexec, sqlite3_exec), so it may hold
// several statements and PL/pgSQL bodies; it must not contain BEGIN/COMMIT itself. Several
// migrators at once (two processes) apply each file once: they queue on pg_advisory_xact_lock on
// PostgreSQL and on BEGIN IMMEDIATE on SQLite.
#pragma once

#include <ecom/db/database.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace ecom::db {

struct MigrationStatus {
  enum class State { applied, pending, missing_file, altered };
  int version = 0;
  std::string name;  // "cache" for 0002_cache.sql
  std::string file;  // "0002_cache.sql"; for missing_file, the name it was applied under
  State state = State::pending;
  std::string applied_at;  // "YYYY-MM-DD HH:MM:SS" UTC; empty when pending
};

[[nodiscard]] std::string_view to_string(MigrationStatus::State state) noexcept;

class Migrator {
 public:
  // Files come from <db.options().migrations_dir>/<backend>/, backend "sqlite" or "postgresql".
  explicit Migrator(Database& db);
  // Files come from <root>/<backend>/.
  Migrator(Database& db, const std::filesystem::path& root);

  // The folder the files are read from.
  [[nodiscard]] const std::filesystem::path& directory() const noexcept { return dir_; }

  // Every known migration, file or recorded, in version order. Throws core::Error(unavailable)
  // when the folder is missing or holds a badly named .sql file.
  [[nodiscard]] std::vector<MigrationStatus> status();
  // Applies pending migrations in order; returns the files applied. Refuses (core::Error
  // unavailable) when a recorded migration was altered or has no file. Throws core::Error
  // (internal) naming the file and the database's message when a file fails: that migration is
  // rolled back, earlier ones stay applied.
  std::vector<std::string> apply();
  // Throws core::Error(unavailable) describing every problem when the schema is not exactly current.
  void verify();

 private:
  Database& db_;
  std::filesystem::path dir_;
};

}  // namespace ecom::db
