#include "admin_suite.hpp"

#include "internal.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/catalog/admin.hpp>
#include <ecom/catalog/catalog.hpp>
#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <latch>
#include <string>
#include <thread>
#include <vector>

namespace ecom::catalog::admin_test {
namespace {

using core::Error;
using core::ErrorCode;

struct Fixture {
  explicit Fixture(db::Database& database)
      : db(database), cache(no_guard()), admin(db, cache), store(db, cache, CatalogOptions{"secret", {}}) {}
  // Without the guard a value is cached again at once after a write: the tests then see that the
  // invalidation, not the guard, keeps stale values away.
  static cache::LocalCacheOptions no_guard() {
    cache::LocalCacheOptions options;
    options.invalidation_guard = std::chrono::milliseconds(0);
    return options;
  }
  db::Database& db;
  cache::LocalCache cache;
  CatalogAdmin admin;
  CatalogService store;
};

ErrorCode code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  FAIL("no core::Error thrown");
  return ErrorCode::internal;
}

std::string field_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    REQUIRE(!e.details().empty());
    return e.details().front().name;
  }
  FAIL("no core::Error thrown");
  return "";
}

NewProduct product(std::string slug, std::string title = "A product") {
  NewProduct p;
  p.slug = std::move(slug);
  p.title = std::move(title);
  return p;
}

NewVariant variant(std::string sku, std::int64_t amount) {
  NewVariant v;
  v.sku = std::move(sku);
  v.price = Money{amount, "EUR"};
  v.on_hand = 3;
  return v;
}

// What a staff member's write came to: "ok", or the error code and the field it names.
struct Outcome {
  bool ok = false;
  ErrorCode code = ErrorCode::internal;
  std::string field;
};

Outcome outcome_of(const std::function<void()>& fn) {
  Outcome out;
  try {
    fn();
    out.ok = true;
  } catch (const Error& e) {
    out.code = e.code();
    out.field = e.details().empty() ? "" : e.details().front().name;
  } catch (const std::exception&) {
    out.code = ErrorCode::internal;  // a raw SQL error would be a 500
  }
  return out;
}

// Two staff create a product with the same slug at the same moment, round after round: one gets
// the product, the other a conflict naming the slug, never an internal error.
void check_slug_race(Fixture& f) {
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    const std::string slug = "race-" + std::to_string(round);
    std::latch start(2);
    std::array<Outcome, 2> outcomes;
    std::vector<std::thread> staff;
    for (auto& outcome : outcomes) {
      staff.emplace_back([&] {
        start.arrive_and_wait();
        outcome = outcome_of([&] { f.admin.create_product(product(slug)); });
      });
    }
    for (auto& t : staff) {
      t.join();
    }
    INFO("round " << round);
    CHECK(outcomes[0].ok != outcomes[1].ok);
    for (const auto& outcome : outcomes) {
      if (!outcome.ok) {
        CHECK(outcome.code == ErrorCode::conflict);
        CHECK(outcome.field == "slug");
      }
    }
  }
}

// The writer that loses the race after its check passed: another transaction inserted the same
// value without committing yet (raw SQL on a connection of its own), the staff member's write
// checks, finds nothing and inserts; the database's unique constraint then refuses it when the
// other commits (PostgreSQL: the insert waits on the index entry; SQLite: the write waits for the
// file lock and its check then sees the row). Either way: conflict naming the field.
void check_lost_race(Fixture& f, const std::function<void(CatalogAdmin&)>& write, const std::string& competitor,
                     const std::string& field) {
  const bool pg = f.db.backend() == db::Backend::postgresql;
  auto other = f.db.primary();
  soci::session& raw = other.session();
  if (pg) {
    raw.begin();
  } else {
    raw << "BEGIN IMMEDIATE";
  }
  raw << competitor;
  Outcome outcome;
  std::thread staff([&] { outcome = outcome_of([&] { write(f.admin); }); });
  if (pg) {
    // Commit only once the staff member's insert waits on the competitor's row lock, so it has
    // really passed its check.
    auto watcher = f.db.primary();
    bool waiting = false;
    for (int i = 0; i < 2000 && !waiting; ++i) {
      int n = 0;
      watcher.session() << "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                           " AND wait_event_type = 'Lock'",
          soci::into(n);
      waiting = n > 0;
      if (!waiting) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    CHECK(waiting);
  }
  raw.commit();
  staff.join();
  CHECK_FALSE(outcome.ok);
  CHECK(outcome.code == ErrorCode::conflict);
  CHECK(outcome.field == field);
}

std::vector<ImportProblem> import_problems(CatalogAdmin& admin, const std::string& csv) {
  try {
    admin.import_csv(csv);
  } catch (const ImportError& e) {
    CHECK(e.code() == ErrorCode::unprocessable);
    return e.problems();
  }
  FAIL("the import was not refused");
  return {};
}

bool has_problem(const std::vector<ImportProblem>& problems, std::size_t row, const std::string& column) {
  for (const auto& p : problems) {
    if (p.row == row && p.column == column) {
      return true;
    }
  }
  return false;
}

}  // namespace

void check_product_lifecycle(db::Database& db) {
  Fixture f(db);
  f.admin.create_category(NewCategory{"shoes", "Shoes", std::nullopt, 0});
  auto p = product("trail-runner", "Trail Runner");
  p.category_slugs = {"shoes"};
  p.attributes = {{"material", "mesh"}};
  p.seo_title = "Trail Runner shoes";
  const auto created = f.admin.create_product(p);
  CHECK(created.version == 1);
  CHECK(created.status == ProductStatus::draft);
  REQUIRE(created.categories.size() == 1);
  CHECK(created.categories[0].slug == "shoes");
  CHECK(f.admin.get_product(created.id).seo_title == "Trail Runner shoes");
  // A draft is the admin's to see, not the storefront's.
  CHECK(code_of([&] { (void)f.store.get_product("trail-runner"); }) == ErrorCode::not_found);

  ProductChanges changes;
  changes.title = "Trail Runner 2";
  changes.attributes = std::vector<Attribute>{{"material", "leather"}, {"colour", "red"}};
  auto updated = f.admin.update_product(created.id, changes, 1);
  CHECK(updated.version == 2);
  CHECK(updated.title == "Trail Runner 2");
  CHECK(updated.attributes.size() == 2);
  CHECK(updated.categories.size() == 1);  // not in the change: kept

  updated = f.admin.add_variant(created.id, variant("TR-42", 8999), 2);
  CHECK(updated.version == 3);
  REQUIRE(updated.variants.size() == 1);
  const auto vid = updated.variants[0].id;
  VariantChanges vc;
  vc.price = Money{7999, "EUR"};
  vc.compare_at = Money{8999, "EUR"};
  vc.on_hand = 10;
  updated = f.admin.update_variant(created.id, vid, vc, 3);
  CHECK(updated.version == 4);
  CHECK(updated.variants[0].price.amount == 7999);
  CHECK(updated.variants[0].compare_at == Money{8999, "EUR"});
  CHECK(updated.variants[0].on_hand == 10);
  CHECK(field_of([&] {
          VariantChanges bad;
          bad.on_hand = -1;
          f.admin.update_variant(created.id, vid, bad, 4);
        }) == "on_hand");

  updated = f.admin.set_status(created.id, ProductStatus::active, 4);
  CHECK(updated.status == ProductStatus::active);
  CHECK(f.store.get_product("trail-runner").title == "Trail Runner 2");
  updated = f.admin.set_status(created.id, ProductStatus::draft, 5);
  CHECK(code_of([&] { (void)f.store.get_product("trail-runner"); }) == ErrorCode::not_found);

  updated = f.admin.add_variant(created.id, variant("TR-43", 8999), 6);
  updated = f.admin.delete_variant(created.id, vid, 7);
  CHECK(updated.variants.size() == 1);
  CHECK(updated.variants[0].sku == "TR-43");
  CHECK(code_of([&] { f.admin.delete_variant(created.id, vid, 8); }) == ErrorCode::not_found);

  // Listing: every status, search on title, slug and SKU (wildcards literal), paging by id.
  for (int i = 0; i < 7; ++i) {
    f.admin.create_product(product("plain-" + std::to_string(i), "Plain 50% cotton " + std::to_string(i)));
  }
  AdminListQuery all;
  all.limit = 3;
  std::vector<std::int64_t> seen;
  for (int pages = 0; pages < 10; ++pages) {
    const auto page = f.admin.list_products(all);
    for (const auto& row : page.items) {
      seen.push_back(row.id);
    }
    if (!page.next_after) {
      break;
    }
    all.after = page.next_after;
  }
  CHECK(seen.size() == 8);
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  AdminListQuery q;
  q.q = "tr-43";
  auto found = f.admin.list_products(q);
  REQUIRE(found.items.size() == 1);
  CHECK(found.items[0].slug == "trail-runner");
  CHECK(found.items[0].variant_count == 1);
  q.q = "50%";
  CHECK(f.admin.list_products(q).items.size() == 7);
  q.q = "5_%";  // "_" is literal: no title has "5_"
  CHECK(f.admin.list_products(q).items.empty());
  q.q = "RUNNER";
  CHECK(f.admin.list_products(q).items.size() == 1);
  AdminListQuery drafts;
  drafts.status = ProductStatus::draft;
  CHECK(f.admin.list_products(drafts).items.size() == 8);
  drafts.status = ProductStatus::active;
  CHECK(f.admin.list_products(drafts).items.empty());
  AdminListQuery bad;
  bad.limit = 0;
  CHECK(field_of([&] { (void)f.admin.list_products(bad); }) == "limit");

  f.admin.delete_product(created.id, f.admin.get_product(created.id).version);
  CHECK(code_of([&] { (void)f.admin.get_product(created.id); }) == ErrorCode::not_found);
  CHECK(code_of([&] { f.admin.delete_product(created.id, 1); }) == ErrorCode::not_found);
}

void check_optimistic_concurrency(db::Database& db) {
  Fixture f(db);
  const auto p = f.admin.create_product(product("shared"));
  ProductChanges alice;
  alice.title = "Alice's title";
  ProductChanges bob;
  bob.title = "Bob's title";
  // Both loaded version 1.
  CHECK(f.admin.update_product(p.id, alice, 1).version == 2);
  CHECK(code_of([&] { f.admin.update_product(p.id, bob, 1); }) == ErrorCode::precondition_failed);
  CHECK(f.admin.get_product(p.id).title == "Alice's title");
  CHECK(f.admin.get_product(p.id).version == 2);
  // Every product-scoped write checks the version.
  CHECK(code_of([&] { f.admin.add_variant(p.id, variant("S-1", 100), 1); }) == ErrorCode::precondition_failed);
  CHECK(code_of([&] { f.admin.set_status(p.id, ProductStatus::active, 1); }) == ErrorCode::precondition_failed);
  CHECK(code_of([&] { f.admin.delete_product(p.id, 1); }) == ErrorCode::precondition_failed);
  CHECK(f.admin.get_product(p.id).variants.empty());
  // Truly concurrent: two writers from version 2 at once; exactly one wins, whatever the timing.
  for (int round = 0; round < 5; ++round) {
    const auto version = f.admin.get_product(p.id).version;
    std::atomic<int> ok{0};
    std::atomic<int> stale{0};
    std::atomic<int> other{0};
    const auto writer = [&](std::string title) {
      ProductChanges c;
      c.title = std::move(title);
      try {
        f.admin.update_product(p.id, c, version);
        ++ok;
      } catch (const Error& e) {
        ++(e.code() == ErrorCode::precondition_failed ? stale : other);
      }
    };
    std::thread one(writer, "one");
    std::thread two(writer, "two");
    one.join();
    two.join();
    CHECK(ok == 1);
    CHECK(stale == 1);
    CHECK(other == 0);
    CHECK(f.admin.get_product(p.id).version == version + 1);
  }
  // Two creators racing for one slug: one product, one conflict (from the check, or from the
  // unique constraint when both checked before either inserted), never a 500.
  for (int round = 0; round < 5; ++round) {
    const std::string slug = "race-" + std::to_string(round);
    std::atomic<int> created{0};
    std::atomic<int> conflicts{0};
    const auto creator = [&] {
      try {
        f.admin.create_product(product(slug));
        ++created;
      } catch (const Error& e) {
        if (e.code() == ErrorCode::conflict) {
          ++conflicts;
        }
      }
    };
    std::thread one(creator);
    std::thread two(creator);
    one.join();
    two.join();
    CHECK(created == 1);
    CHECK(conflicts == 1);
  }
  // Unknown ids.
  CHECK(code_of([&] { (void)f.admin.get_product(999999); }) == ErrorCode::not_found);
  CHECK(code_of([&] { f.admin.update_product(999999, alice, 1); }) == ErrorCode::not_found);
  CHECK(code_of([&] { f.admin.add_variant(999999, variant("S-2", 100), 1); }) == ErrorCode::not_found);
  CHECK(code_of([&] { f.admin.update_variant(p.id, 999999, VariantChanges{}, f.admin.get_product(p.id).version); }) ==
        ErrorCode::not_found);
}

void check_duplicates(db::Database& db) {
  Fixture f(db);
  const auto a = f.admin.create_product(product("first"));
  const auto b = f.admin.create_product(product("second"));
  CHECK(code_of([&] { f.admin.create_product(product("first")); }) == ErrorCode::conflict);
  ProductChanges rename;
  rename.slug = "first";
  CHECK(field_of([&] { f.admin.update_product(b.id, rename, 1); }) == "slug");
  f.admin.add_variant(a.id, variant("DUP-1", 100), 1);
  CHECK(code_of([&] { f.admin.add_variant(b.id, variant("DUP-1", 100), 1); }) == ErrorCode::conflict);
  f.admin.create_category(NewCategory{"c", "C", std::nullopt, 0});
  CHECK(code_of([&] { f.admin.create_category(NewCategory{"c", "C", std::nullopt, 0}); }) == ErrorCode::conflict);
  CHECK(field_of([&] { f.admin.create_product(product("Bad Slug")); }) == "slug");
  CHECK(field_of([&] { f.admin.create_product(product("ok", "")); }) == "title");
  check_slug_race(f);
  check_lost_race(
      f, [&](CatalogAdmin& admin) { admin.create_product(product("raced")); },
      "INSERT INTO products (slug, title, created_at, updated_at) VALUES ('raced', 'x', 1, 1)", "slug");
  check_lost_race(
      f,
      [&](CatalogAdmin& admin) { admin.add_variant(b.id, variant("RACED-1", 100), admin.get_product(b.id).version); },
      "INSERT INTO variants (product_id, sku, price_amount, currency) VALUES (" + std::to_string(a.id) +
          ", 'RACED-1', 5, 'EUR')",
      "sku");
}

void check_categories(db::Database& db) {
  Fixture f(db);
  const auto clothes = f.admin.create_category(NewCategory{"clothes", "Clothes", std::nullopt, 0});
  const auto shirts = f.admin.create_category(NewCategory{"shirts", "Shirts", "clothes", 0});
  const auto linen = f.admin.create_category(NewCategory{"linen", "Linen", "shirts", 0});
  CHECK(field_of([&] { f.admin.create_category(NewCategory{"x", "X", "nope", 0}); }) == "parent");

  CategoryChanges move_into_child;
  move_into_child.parent_slug = std::optional<std::string>("linen");
  CHECK(field_of([&] { f.admin.update_category(clothes.id, move_into_child); }) == "parent");
  CategoryChanges move_into_self;
  move_into_self.parent_slug = std::optional<std::string>("clothes");
  CHECK(field_of([&] { f.admin.update_category(clothes.id, move_into_self); }) == "parent");
  CategoryChanges to_root;
  to_root.parent_slug = std::optional<std::string>();
  to_root.name = "Linen shirts";
  const auto moved = f.admin.update_category(linen.id, to_root);
  CHECK_FALSE(moved.parent_id.has_value());
  CHECK(moved.name == "Linen shirts");
  CHECK(f.admin.category_tree().size() == 2);
  CHECK(code_of([&] { f.admin.update_category(999999, to_root); }) == ErrorCode::not_found);

  // Delete: refused while it has sub-categories or products.
  CHECK(code_of([&] { f.admin.delete_category(clothes.id); }) == ErrorCode::conflict);
  auto p = product("tee");
  p.category_slugs = {"shirts"};
  const auto tee = f.admin.create_product(p);
  CHECK(code_of([&] { f.admin.delete_category(shirts.id); }) == ErrorCode::conflict);
  ProductChanges out;
  out.category_slugs = std::vector<std::string>{};
  f.admin.update_product(tee.id, out, 1);
  f.admin.delete_category(shirts.id);
  f.admin.delete_category(clothes.id);
  CHECK(code_of([&] { f.admin.delete_category(clothes.id); }) == ErrorCode::not_found);
  CHECK(f.admin.category_tree().size() == 1);
}

void check_storefront_invalidation(db::Database& db) {
  Fixture f(db);
  f.admin.create_category(NewCategory{"hats", "Hats", std::nullopt, 0});
  auto p = product("bowler", "Bowler");
  p.status = ProductStatus::active;
  p.category_slugs = {"hats"};
  auto current = f.admin.create_product(p);
  current = f.admin.add_variant(current.id, variant("BOW-1", 2500), current.version);
  const auto vid = current.variants[0].id;

  // The storefront caches the product, the tree and a listing.
  CHECK(f.store.get_product("bowler").variants[0].price.amount == 2500);
  CHECK(f.store.list_products(ListQuery{}).items.at(0).price_from->amount == 2500);
  CHECK(f.store.category_tree().at(0).name == "Hats");

  VariantChanges price;
  price.price = Money{1999, "EUR"};
  current = f.admin.update_variant(current.id, vid, price, current.version);
  CHECK(f.store.get_product("bowler").variants[0].price.amount == 1999);
  CHECK(f.store.list_products(ListQuery{}).items.at(0).price_from->amount == 1999);

  // A rename of its category shows in the cached product and the tree.
  CategoryChanges rename;
  rename.name = "Fine hats";
  f.admin.update_category(current.categories.at(0).id, rename);
  CHECK(f.store.get_product("bowler").categories.at(0).name == "Fine hats");
  CHECK(f.store.category_tree().at(0).name == "Fine hats");

  // A new slug: the old one stops resolving, the new one works.
  ProductChanges slug;
  slug.slug = "bowler-hat";
  current = f.admin.update_product(current.id, slug, current.version);
  CHECK(code_of([&] { (void)f.store.get_product("bowler"); }) == ErrorCode::not_found);
  CHECK(f.store.get_product("bowler-hat").id == current.id);

  // Unpublish, then delete.
  current = f.admin.set_status(current.id, ProductStatus::draft, current.version);
  CHECK(code_of([&] { (void)f.store.get_product("bowler-hat"); }) == ErrorCode::not_found);
  CHECK(f.store.list_products(ListQuery{}).items.empty());
  current = f.admin.set_status(current.id, ProductStatus::active, current.version);
  CHECK(f.store.get_product("bowler-hat").title == "Bowler");
  f.admin.delete_product(current.id, current.version);
  CHECK(code_of([&] { (void)f.store.get_product("bowler-hat"); }) == ErrorCode::not_found);
  CHECK(f.store.list_products(ListQuery{}).items.empty());
}

void check_import_errors(db::Database& db) {
  Fixture f(db);
  f.admin.create_category(NewCategory{"socks", "Socks", std::nullopt, 0});
  const auto other = f.admin.create_product(product("other"));
  f.admin.add_variant(other.id, variant("TAKEN", 100), 1);

  // Header problems first.
  auto problems = import_problems(f.admin, "slug,titel\r\nx,y\r\n");
  CHECK(has_problem(problems, 1, "titel"));
  CHECK(has_problem(problems, 1, "title"));

  const std::string csv =
      "slug,title,status,categories,attributes,sku,options,price,compare_at_price,currency,on_hand\n"
      "good-sock,Good sock,active,socks,size=M,GS-1,colour=red,500,,EUR,4\n"   // row 2: fine
      "Bad Slug,Sock,active,,,BS-1,,500,,EUR,1\n"                              // row 3: slug
      "sock-b,,draft,,,SB-1,,500,,EUR,1\n"                                     // row 4: title
      "sock-c,Sock C,sold,,,SC-1,,12.50,,eur,-1\n"                             // row 5: status price currency on_hand
      "sock-d,Sock D,draft,nope,noequals,TAKEN,,500,,EUR,1\n"                  // row 6: categories attributes sku
      "good-sock,Good sock,active,socks,size=M,GS-1,colour=blue,500,,EUR,4\n"  // row 7: sku twice
      "good-sock,Other title,active,socks,size=M,GS-2,,500,,EUR,4\n"           // row 8: title differs
      "sock-e,Sock E,draft,,,,,500,,EUR,\n"                                    // row 9: variant columns, no sku
      "sock-f,Sock F,draft,,,SF-1,,,,EUR,1\n"                                  // row 10: price missing
      "sock-g,Sock G\n";                                                       // row 11: field count
  problems = import_problems(f.admin, csv);
  for (const auto& p : problems) {
    CAPTURE(p.row, p.column, p.message);
    CHECK(p.row != 2);
  }
  CHECK(has_problem(problems, 3, "slug"));
  CHECK(has_problem(problems, 4, "title"));
  CHECK(has_problem(problems, 5, "status"));
  CHECK(has_problem(problems, 5, "price"));
  CHECK(has_problem(problems, 5, "currency"));
  CHECK(has_problem(problems, 5, "on_hand"));
  CHECK(has_problem(problems, 7, "sku"));
  CHECK(std::any_of(problems.begin(), problems.end(), [](const ImportProblem& p) {
    return p.row == 7 && p.message.find("also on row 2") != std::string::npos;
  }));
  CHECK(has_problem(problems, 8, "title"));
  CHECK(has_problem(problems, 9, "sku"));
  CHECK(has_problem(problems, 10, "price"));
  CHECK(has_problem(problems, 11, ""));
  // The variant rules the admin applies to single edits, in their CSV column (by field).
  problems = import_problems(f.admin,
                             "slug,title,sku,variant_title,options,price,currency\n"
                             "sock-x,Sock X,SX-1," +
                                 std::string(301, 't') +
                                 ",,500,EUR\n"
                                 "sock-y,Sock Y,SY-1,,size=M,500,EUR\n"
                                 "sock-z,Sock Z," +
                                 std::string(101, 'S') + ",,,500,EUR\n");
  CHECK(has_problem(problems, 2, "variant_title"));
  CHECK(has_problem(problems, 4, "sku"));
  CHECK(problems.size() == 2);
  // Database checks run once the rows themselves are clean.
  problems = import_problems(f.admin,
                             "slug,title,categories,sku,price,currency\n"
                             "sock-d,Sock D,nope,TAKEN,500,EUR\n"
                             "sock-h,Sock H,socks,SH-1,500,EUR\n");
  CHECK(has_problem(problems, 2, "categories"));
  CHECK(has_problem(problems, 2, "sku"));
  CHECK(problems.size() == 2);
  // Nothing was written.
  CHECK(f.admin.list_products(AdminListQuery{}).items.size() == 1);
  // Broken CSV syntax names the record.
  problems = import_problems(f.admin, "slug,title\n\"open,quote\n");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].row == 2);
  CHECK(import_problems(f.admin, "").size() == 1);
  CHECK(import_problems(f.admin, "slug,title\n").size() == 1);
}

void check_csv_roundtrip(db::Database& db) {
  Fixture f(db);
  f.admin.create_category(NewCategory{"tops", "Tops", std::nullopt, 0});
  f.admin.create_category(NewCategory{"sale", "Sale", std::nullopt, 1});
  auto p = product("quoted-tee", "Tee, \"quoted\"");
  p.description = "Line one\nline two, with a comma";
  p.status = ProductStatus::active;
  p.category_slugs = {"tops", "sale"};
  p.attributes = {{"fabric", "cotton"}, {"fit", "slim"}};
  auto tee = f.admin.create_product(p);
  auto v = variant("TEE-S", 1500);
  v.options = {{"colour", "white"}, {"size", "S"}};
  v.compare_at = Money{2000, "EUR"};
  v.weight_grams = 180;
  tee = f.admin.add_variant(tee.id, v, 1);
  tee = f.admin.add_variant(tee.id, variant("TEE-M", 1600), 2);
  f.admin.create_product(product("no-variants", "Bare"));

  const std::string first = f.admin.export_csv();
  CHECK(first.starts_with("slug,title,description,status,"));
  CHECK(first.find("\"Tee, \"\"quoted\"\"\"") != std::string::npos);
  CHECK(first.find("colour=white|size=S") != std::string::npos);

  // The export imported back changes nothing but versions.
  const auto report = f.admin.import_csv(first);
  CHECK(report.rows == 3);
  CHECK(report.products_updated == 2);
  CHECK(report.products_created == 0);
  CHECK(report.variants_updated == 2);
  CHECK(report.variants_created == 0);
  CHECK(f.admin.export_csv() == first);
  const auto reread = f.admin.get_product(tee.id);
  CHECK(reread.description == p.description);
  CHECK(reread.variants.at(0).compare_at == Money{2000, "EUR"});
  CHECK(reread.variants.at(0).weight_grams == 180);
  CHECK(reread.categories.size() == 2);

  // An edited file: a new price, a new variant, a new product; the storefront sees the price.
  CHECK(f.store.get_product("quoted-tee").variants.at(1).price.amount == 1600);
  const auto report2 = f.admin.import_csv(
      "slug,title,sku,price,currency\n"
      "quoted-tee,\"Tee, \"\"quoted\"\"\",TEE-M,1700,EUR\n"
      "quoted-tee,\"Tee, \"\"quoted\"\"\",TEE-L,1800,EUR\n"
      "fresh,Fresh,FR-1,999,EUR\n");
  CHECK(report2.products_created == 1);
  CHECK(report2.products_updated == 1);
  CHECK(report2.variants_created == 2);
  CHECK(report2.variants_updated == 1);
  const auto after = f.store.get_product("quoted-tee");
  REQUIRE(after.variants.size() == 3);
  CHECK(after.variants.at(1).price.amount == 1700);
  CHECK(after.description == p.description);  // the column was absent: kept
  CHECK(after.categories.size() == 2);
  CHECK(f.admin.get_product(after.id).status == ProductStatus::active);
}

void check_import_10k(db::Database& db) {
  Fixture f(db);
  f.admin.create_category(NewCategory{"bulk", "Bulk", std::nullopt, 0});
  std::string csv = "slug,title,description,status,categories,attributes,sku,options,price,currency,on_hand\n";
  constexpr int kProducts = 2500;
  for (int i = 0; i < kProducts; ++i) {
    for (int s = 0; s < 4; ++s) {
      csv += "bulk-" + std::to_string(i) + ",Bulk product " + std::to_string(i) +
             ",\"A description, with a comma\",active,bulk,brand=acme|material=wool,BULK-" + std::to_string(i) + "-" +
             std::to_string(s) + ",size=" + std::to_string(s) + "," + std::to_string(1000 + i) + ",EUR,5\n";
    }
  }
  auto start = std::chrono::steady_clock::now();
  const auto created = f.admin.import_csv(csv);
  const auto create_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  CHECK(created.rows == 10000);
  CHECK(created.products_created == kProducts);
  CHECK(created.variants_created == 10000);
  start = std::chrono::steady_clock::now();
  const auto updated = f.admin.import_csv(csv);
  const auto update_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  CHECK(updated.products_updated == kProducts);
  CHECK(updated.variants_updated == 10000);
  start = std::chrono::steady_clock::now();
  const auto exported = f.admin.export_csv();
  const auto export_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::cout << "10,000-row CSV import (" << (db.backend() == db::Backend::sqlite ? "sqlite" : "postgresql")
            << "): create " << create_ms << " ms, update " << update_ms << " ms; export " << export_ms << " ms\n";
  CHECK(std::count(exported.begin(), exported.end(), '\n') == 10001);
  // Generous bound: "in seconds", on a shared 2-core machine with a debug build.
  CHECK(create_ms < 30000);
  CHECK(update_ms < 30000);
}

}  // namespace ecom::catalog::admin_test
