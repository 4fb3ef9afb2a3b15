#include "repository_suite.hpp"

#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <atomic>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace ecom::db::test {
namespace {

constexpr const char* kCreateItems =
    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " available INTEGER NOT NULL CHECK (available >= 0))";
constexpr const char* kInsertItem = "INSERT INTO items (id, name, available) VALUES (:id, :name, :available)";
constexpr const char* kSelectItem = "SELECT name, available FROM items WHERE id = :id";
constexpr const char* kSetAvailable = "UPDATE items SET available = :available WHERE id = :id";
constexpr const char* kTakeStock = "UPDATE items SET available = available - :n WHERE id = :id AND available >= :n2";

struct Item {
  std::string name;
  int available = 0;
};

// The shape a domain module's repository takes: SQL constants, bound parameters, one method per
// operation, transactions on the primary, reads through Database::read.
class ItemRepository {
 public:
  explicit ItemRepository(Database& db) : db_(db) {}

  void add(std::string_view client, int id, const std::string& name, int available) {
    db_.transact(client,
                 [&](soci::session& s) { s << kInsertItem, soci::use(id), soci::use(name), soci::use(available); });
  }

  std::optional<Item> find(std::string_view client, int id) {
    return db_.read(client, Consistency::strong, [&](soci::session& s) -> std::optional<Item> {
      Item item;
      s << kSelectItem, soci::use(id), soci::into(item.name), soci::into(item.available);
      if (!s.got_data()) {
        return std::nullopt;
      }
      return item;
    });
  }

  // True when the stock was there and is now taken.
  bool take(std::string_view client, int id, int n) {
    return db_.transact(client, [&](soci::session& s) {
      soci::statement st = (s.prepare << kTakeStock, soci::use(n), soci::use(id), soci::use(n));
      st.execute(true);
      return st.get_affected_rows() == 1;
    });
  }

 private:
  Database& db_;
};

}  // namespace

void create_item_table(Database& db) {
  db.transact("", [](soci::session& s) { s << kCreateItems; });
}

void check_commit_and_rollback(Database& db) {
  ItemRepository items(db);
  items.add("alice", 1, "teapot", 5);
  auto found = items.find("alice", 1);
  REQUIRE(found.has_value());
  CHECK(found->name == "teapot");
  CHECK(found->available == 5);
  CHECK_FALSE(items.find("alice", 999).has_value());

  // fn throws after a write: nothing of it stays.
  CHECK_THROWS_AS(db.transact("alice",
                              [](soci::session& s) {
                                int id = 2;
                                std::string name = "kettle";
                                int available = 1;
                                s << kInsertItem, soci::use(id), soci::use(name), soci::use(available);
                                throw std::runtime_error("business rule broken");
                              }),
                  std::runtime_error);
  CHECK_FALSE(items.find("alice", 2).has_value());

  // A value comes back out of transact.
  const int seen = db.transact("alice", [](soci::session& s) {
    int available = 0;
    int id = 1;
    std::string name;
    s << kSelectItem, soci::use(id), soci::into(name), soci::into(available);
    return available;
  });
  CHECK(seen == 5);
}

void check_sql_error_rolls_back(Database& db) {
  ItemRepository items(db);
  items.add("bob", 10, "cup", 3);
  CHECK_THROWS_AS(db.transact("bob",
                              [](soci::session& s) {
                                int id = 10;
                                int zero = 0;
                                int negative = -1;
                                s << kSetAvailable, soci::use(zero), soci::use(id);
                                s << kSetAvailable, soci::use(negative), soci::use(id);  // CHECK fails
                              }),
                  soci::soci_error);
  auto cup = items.find("bob", 10);
  REQUIRE(cup.has_value());
  CHECK(cup->available == 3);  // the first UPDATE was rolled back too
  // The connection is usable after the failure (it was rolled back, not left in a failed state).
  items.add("bob", 11, "saucer", 1);
  CHECK(items.find("bob", 11).has_value());

  // A duplicate key (a writer that lost a race for a unique value) is a conflict, not a raw SQL
  // error, and rolls back too.
  try {
    db.transact("bob", [](soci::session& s) {
      int id = 12;
      std::string name = "bowl";
      int available = 1;
      s << kInsertItem, soci::use(id), soci::use(name), soci::use(available);
      int taken = 11;
      s << kInsertItem, soci::use(taken), soci::use(name), soci::use(available);
    });
    FAIL("a duplicate key was accepted");
  } catch (const ecom::core::Error& e) {
    CHECK(e.code() == ecom::core::ErrorCode::conflict);
  }
  CHECK_FALSE(items.find("bob", 12).has_value());
  CHECK(items.find("bob", 11)->name == "saucer");
}

void check_unique_violations(Database& db) {
  db.transact("", [](soci::session& s) {
    s << "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)";
    s << "CREATE TABLE pairs (a INTEGER NOT NULL, b INTEGER NOT NULL, UNIQUE (a, b))";
    s << "CREATE TABLE links (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b))";
    s << "INSERT INTO tags (id, name) VALUES (1, 'red')";
    s << "INSERT INTO pairs (a, b) VALUES (1, 2)";
    s << "INSERT INTO links (a, b) VALUES (1, 2)";
  });
  // The constraint a refused write names, or "(none)" when the write went through or failed
  // otherwise.
  auto constraint_of = [&](const std::string& statement) -> std::string {
    try {
      db.transact("", [&](soci::session& s) { s << statement; });
      return "(none)";
    } catch (const UniqueViolation& e) {
      CHECK(e.code() == ecom::core::ErrorCode::conflict);
      return e.constraint();
    } catch (const soci::soci_error&) {
      return "(none)";
    }
  };
  // One name on both backends: PostgreSQL's own, and SQLite's message mapped to it.
  CHECK(constraint_of("INSERT INTO tags (id, name) VALUES (2, 'red')") == "tags_name_key");
  CHECK(constraint_of("INSERT INTO tags (id, name) VALUES (1, 'blue')") == "tags_pkey");
  CHECK(constraint_of("INSERT INTO pairs (a, b) VALUES (1, 2)") == "pairs_a_b_key");
  CHECK(constraint_of("INSERT INTO links (a, b) VALUES (1, 2)") == "links_pkey");
  CHECK(constraint_of("UPDATE tags SET name = 'red' WHERE id = 1") == "(none)");
  // Other constraints are not unique violations: NOT NULL, CHECK.
  CHECK(constraint_of("INSERT INTO tags (id, name) VALUES (3, NULL)") == "(none)");
  CHECK_THROWS_AS(db.transact("", [](soci::session& s) { s << "INSERT INTO tags (id, name) VALUES (3, NULL)"; }),
                  soci::soci_error);
  // A read (Database::read) is translated the same way.
  try {
    db.read("", Consistency::strong, [](soci::session& s) { s << "INSERT INTO pairs (a, b) VALUES (1, 2)"; });
    FAIL("a duplicate pair was accepted");
  } catch (const UniqueViolation& e) {
    CHECK(e.constraint() == "pairs_a_b_key");
  }
  // The connections stay usable after a violation.
  CHECK(constraint_of("INSERT INTO tags (id, name) VALUES (4, 'green')") == "(none)");
  const int count = db.read("", Consistency::strong, [](soci::session& s) {
    int n = 0;
    s << "SELECT COUNT(*) FROM tags", soci::into(n);
    return n;
  });
  CHECK(count == 2);
}

void check_conditional_update(Database& db) {
  ItemRepository items(db);
  items.add("carol", 20, "spoon", 2);
  CHECK(items.take("carol", 20, 2));
  CHECK_FALSE(items.take("carol", 20, 1));
  auto spoon = items.find("carol", 20);
  REQUIRE(spoon.has_value());
  CHECK(spoon->available == 0);
}

void check_concurrent_transactions(Database& db) {
  constexpr int kStock = 40;
  constexpr int kThreads = 4;
  ItemRepository items(db);
  items.add("dave", 30, "plate", kStock);
  std::atomic<int> taken{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      // Each thread tries more than its share; bounded by the count.
      for (int i = 0; i < kStock; ++i) {
        try {
          if (items.take("dave", 30, 1)) {
            taken.fetch_add(1);
          }
        } catch (const std::exception&) {
          errors.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(errors.load() == 0);
  CHECK(taken.load() == kStock);
  auto plate = items.find("dave", 30);
  REQUIRE(plate.has_value());
  CHECK(plate->available == 0);
}

std::vector<ecom::test::SuiteCase<Database>> repository_suite() {
  // Every case starts from a fresh database holding the empty items table.
  const auto on_items = [](void (*check)(Database&)) {
    return [check](Database& db) {
      create_item_table(db);
      check(db);
    };
  };
  return {
      {"repository: commit and rollback", on_items(check_commit_and_rollback)},
      {"repository: an SQL error rolls back the transaction", on_items(check_sql_error_rolls_back)},
      {"repository: unique violations name their constraint", on_items(check_unique_violations)},
      {"repository: conditional update", on_items(check_conditional_update)},
      {"repository: concurrent transactions", on_items(check_concurrent_transactions)},
  };
}

}  // namespace ecom::db::test
