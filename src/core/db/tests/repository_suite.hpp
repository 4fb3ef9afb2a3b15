// Repository-style checks that must hold on every backend. The same code runs on SQLite (unit
// tests) and on PostgreSQL (integration tests): a small item repository with SQL in named
// constants and bound parameters, the way the domain modules will write theirs.
#pragma once

#include <ecom/db/database.hpp>

namespace ecom::db::test {

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
