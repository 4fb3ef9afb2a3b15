// Suites that every database backend runs. A suite is one list of cases; each backend's test file
// registers the whole list once, with its own way to make a fresh database, so the SQLite and the
// PostgreSQL runs cannot drift apart (a case added to one file and forgotten in the other, or
// named differently in each).
//
//   // repository_suite.cpp: the list, beside the checks
//   std::vector<ecom::test::SuiteCase<Database>> repository_suite() {
//     return {{"repository: commit and rollback", check_commit_and_rollback}, ...};
//   }
//   // sqlite_database_test.cpp: the backend, at namespace scope
//   const bool kRegistered = ecom::test::register_suite<Database>(
//       "sqlite", "[db][sqlite]", repository_suite(),
//       [](const auto& run) { TempDir dir; Database db(...); run(db); }, __FILE__, __LINE__);
//
// The tests are named "<backend>: <case name>" and run, list and filter like any TEST_CASE.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ecom::test {

template <typename Db>
struct SuiteCase {
  const char* name;  // after "<backend>: "
  std::function<void(Db&)> run;
};

// Registers one Catch2 test case; file must be a string literal (__FILE__): Catch keeps the pointer.
void register_test_case(const std::string& name, const std::string& tags, std::function<void()> body, const char* file,
                        std::size_t line);

// Registers every case for one backend. with_db runs a case on a fresh database of that backend.
// Returns true, so that a namespace-scope constant can call it before main.
template <typename Db>
bool register_suite(std::string_view backend, std::string_view tags, const std::vector<SuiteCase<Db>>& cases,
                    std::function<void(const std::function<void(Db&)>&)> with_db, const char* file, std::size_t line) {
  for (const auto& c : cases) {
    register_test_case(
        std::string(backend) + ": " + c.name, std::string(tags), [run = c.run, with_db] { with_db(run); }, file, line);
  }
  return true;
}

}  // namespace ecom::test
