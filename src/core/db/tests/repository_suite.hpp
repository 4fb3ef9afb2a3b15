// Repository-style checks that must hold on every backend. The same code runs on SQLite (unit
// tests) and on PostgreSQL (integration tests): a small item repository with SQL in named
// constants and bound parameters, the way the domain modules will write theirs.
#pragma once

#include "backend_suite.hpp"

#include <ecom/db/database.hpp>

#include <vector>

namespace ecom::db::test {

// Every case below, each on a fresh database with the items table: the one list that the SQLite
// and the PostgreSQL tests both register (tests/support/backend_suite.hpp).
[[nodiscard]] std::vector<ecom::test::SuiteCase<Database>> repository_suite();

// Creates the test table (items) on db; call once per database.
void create_item_table(Database& db);

// transact commits what fn did when it returns, and nothing when it throws.
void check_commit_and_rollback(Database& db);
// A failing statement (CHECK constraint) propagates as soci::soci_error and undoes the
// transaction's earlier statements.
void check_sql_error_rolls_back(Database& db);
// A duplicate UNIQUE or PRIMARY KEY value is a UniqueViolation (conflict) naming the constraint by
// PostgreSQL's name on both backends; a NOT NULL failure stays a soci::soci_error.
void check_unique_violations(Database& db);
// Stock is taken with one conditional UPDATE; it never goes below zero, and the caller learns
// whether the row changed.
void check_conditional_update(Database& db);
// Several threads taking stock at once: each unit is taken exactly once.
void check_concurrent_transactions(Database& db);

}  // namespace ecom::db::test
