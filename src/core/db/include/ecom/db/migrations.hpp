// Schema migrations: migrations/<backend>/NNNN_name.sql, applied in order, each in its own
// transaction, recorded with a SHA-256 checksum in schema_migrations. A server refuses to start
// against a schema that is behind (pending files), ahead (applied versions with no file) or altered
// (checksum differs): running new code on an old schema, or old code on a new one, loses data.
#pragma once

#include <ecom/db/database.hpp>

#include <string>
#include <vector>

namespace ecom::db {

struct MigrationStatus {
  int version = 0;
  std::string name;
  enum class State { applied, pending, missing_file, altered } state = State::pending;
  std::string applied_at;  // empty when pending
};

class Migrator {
 public:
  explicit Migrator(Database& db);
  // Every known migration, file or recorded, in version order.
  [[nodiscard]] std::vector<MigrationStatus> status();
  // Applies pending migrations in order; returns the names applied. Throws core::Error naming the
  // file on failure (that migration is rolled back; earlier ones stay applied).
  std::vector<std::string> apply();
  // Throws core::Error(unavailable) describing every problem when the schema is not exactly current.
  void verify();

 private:
  Database& db_;
};

}  // namespace ecom::db
