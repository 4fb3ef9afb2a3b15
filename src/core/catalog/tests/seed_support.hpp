// Helpers shared by the demo-data tests on SQLite (seed_test.cpp) and PostgreSQL (seed_pg_test.cpp).
#pragma once

#include <ecom/catalog/seed.hpp>
#include <ecom/db/database.hpp>

#include <soci/soci.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ecom::catalog::test {

struct Row {
  std::string slug;
  std::string title;
  std::string min_price;  // as text: SQLite gives expressions no declared type
  friend bool operator==(const Row&, const Row&) = default;
};

inline SeedOptions seeding(std::int64_t products, std::uint64_t seed = 1, bool append = false,
                           storage::Storage* images = nullptr) {
  SeedOptions options;
  options.products = products;
  options.seed = seed;
  options.append = append;
  options.storage = images;
  return options;
}

// Every image row as "product_id path position alt", in product and position order.
inline std::vector<std::string> image_rows(ecom::db::Database& db) {
  return db.read("", ecom::db::Consistency::strong, [](soci::session& sql) {
    std::vector<std::string> rows;
    soci::rowset<soci::row> rs =
        (sql.prepare << "SELECT CAST(i.product_id AS TEXT), i.path, CAST(i.position AS TEXT), i.alt, "
                        "CAST(i.width AS TEXT), CAST(i.height AS TEXT) "
                        // Qualified: PostgreSQL names each CAST column after its column and
                        // would sort by the text.
                        "FROM product_images i ORDER BY i.product_id, i.position, i.id");
    for (const auto& r : rs) {
      rows.push_back(r.get<std::string>(0) + " " + r.get<std::string>(1) + " " + r.get<std::string>(2) + " " +
                     r.get<std::string>(3) + " " + r.get<std::string>(4) + "x" + r.get<std::string>(5));
    }
    return rows;
  });
}

// Every product in id order with its cheapest price.
inline std::vector<Row> products(ecom::db::Database& db) {
  return db.read("", ecom::db::Consistency::strong, [](soci::session& sql) {
    std::vector<Row> rows;
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT p.slug, p.title, CAST((SELECT MIN(price_amount) FROM variants "
                                                 "v WHERE v.product_id = p.id) AS TEXT) "
                                                 "FROM products p ORDER BY p.id");
    for (const auto& r : rs) {
      rows.push_back(Row{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2)});
    }
    return rows;
  });
}

inline long long count(ecom::db::Database& db, const std::string& query) {
  return db.read("", ecom::db::Consistency::strong, [&query](soci::session& sql) {
    long long n = 0;
    sql << query, soci::into(n);
    return n;
  });
}

}  // namespace ecom::catalog::test
