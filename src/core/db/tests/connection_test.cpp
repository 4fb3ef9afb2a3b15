#include "connection.hpp"

#include <ecom/db/database.hpp>
#include <ecom/platform/config.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/problem.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string>

using ecom::config::ConfigError;
using ecom::db::Backend;
using ecom::db::detail::parse_target;
using namespace std::chrono_literals;

namespace {

ecom::db::detail::Target parse(std::string_view url, const std::string& password = "") {
  return parse_target(url, password, 5000ms, 2000ms, "db.url");
}

}  // namespace

TEST_CASE("sqlite:PATH names a file", "[db][url]") {
  auto t = parse("sqlite:var/ecom.db");
  CHECK(t.backend == Backend::sqlite);
  CHECK(t.conninfo == "var/ecom.db");
  CHECK(t.display == "sqlite:var/ecom.db");
  CHECK(parse("sqlite:/tmp/x/shop.db").conninfo == "/tmp/x/shop.db");
}

TEST_CASE("SQLite URLs that cannot work are configuration errors naming the key", "[db][url]") {
  CHECK_THROWS_WITH(parse("sqlite:"), Catch::Contains("db.url"));
  CHECK_THROWS_AS(parse("sqlite::memory:"), ConfigError);
  CHECK_THROWS_WITH(parse("sqlite:my shop.db"), Catch::Contains("spaces"));
}

TEST_CASE("a PostgreSQL URL becomes a keyword string with application_name and connect_timeout", "[db][url]") {
  auto t = parse("postgresql://ecom@127.0.0.1:55432/shop");
  CHECK(t.backend == Backend::postgresql);
  CHECK(t.conninfo.find("user='ecom'") != std::string::npos);
  CHECK(t.conninfo.find("host='127.0.0.1'") != std::string::npos);
  CHECK(t.conninfo.find("port='55432'") != std::string::npos);
  CHECK(t.conninfo.find("dbname='shop'") != std::string::npos);
  CHECK(t.conninfo.find("application_name='ecom'") != std::string::npos);
  CHECK(t.conninfo.find("connect_timeout='2'") != std::string::npos);
  CHECK(t.display == "postgresql://ecom@127.0.0.1:55432/shop");
  // An explicit application_name or connect_timeout wins.
  auto own = parse("postgresql://ecom@127.0.0.1/shop?application_name=reports&connect_timeout=9");
  CHECK(own.conninfo.find("application_name='reports'") != std::string::npos);
  CHECK(own.conninfo.find("connect_timeout='9'") != std::string::npos);
  // Keyword strings work too.
  CHECK(parse("host=127.0.0.1 port=5432 dbname=shop").backend == Backend::postgresql);
}

TEST_CASE("the password is added quoted and never shown", "[db][url][secret]") {
  auto t = parse("postgresql://ecom@127.0.0.1/shop", "s3cr'et \\x");
  CHECK(t.conninfo.find("password='s3cr\\'et \\\\x'") != std::string::npos);
  CHECK(t.display.find("s3cr") == std::string::npos);
  // A password written into the URL is not shown either.
  auto in_url = parse("postgresql://ecom:hunter2@127.0.0.1:5432/shop");
  CHECK(in_url.conninfo.find("password='hunter2'") != std::string::npos);
  CHECK(in_url.display.find("hunter2") == std::string::npos);
  CHECK(in_url.display.find("127.0.0.1") != std::string::npos);
  // So is an sslpassword (the key of a client certificate).
  auto ssl = parse("host=127.0.0.1 dbname=shop sslpassword=certkey-pw");
  CHECK(ssl.conninfo.find("sslpassword='certkey-pw'") != std::string::npos);
  CHECK(ssl.display.find("certkey-pw") == std::string::npos);
  // ECOM_DB_PASSWORD overrides the one in the URL.
  CHECK(parse("postgresql://ecom:old@127.0.0.1/shop", "new").conninfo.find("password='new'") != std::string::npos);
}

TEST_CASE("malformed database URLs are configuration errors naming the key", "[db][url]") {
  CHECK_THROWS_AS(parse("mysql://root@localhost/shop"), ConfigError);
  CHECK_THROWS_WITH(parse("mysql://root@localhost/shop"), Catch::Contains("db.url") && Catch::Contains("sqlite:PATH"));
  CHECK_THROWS_WITH(parse("postgresql://ecom@127.0.0.1/shop?no_such_option=1"), Catch::Contains("db.url"));
  CHECK_THROWS_WITH(parse_target("postgresql://[::1/x", "", 5000ms, 2000ms, "db.replicas"),
                    Catch::Contains("db.replicas"));
}

// Nothing listens on port 1 of the loopback, so this is the database being down without stopping
// the shared server. No test needs a PostgreSQL for it: the connection is refused at once.
TEST_CASE("an unreachable PostgreSQL answers a generic 503, the address goes to the log text only", "[db][secret]") {
  const auto url = GENERATE(as<std::string>{}, "postgresql://shopowner@127.0.0.1:1/shopdb",
                            "postgresql://shopowner:sekrit-url-pw@127.0.0.1:1/shopdb");
  INFO(url);
  ecom::db::DatabaseOptions options;
  options.url = url;
  options.password = "sekrit-env-pw";
  options.pool_size = 7;
  options.acquire_timeout = 500ms;
  std::optional<ecom::core::Error> error;
  try {
    ecom::db::Database db(options);
  } catch (const ecom::core::Error& e) {
    error = e;
  }
  REQUIRE(error);
  CHECK(error->code() == ecom::core::ErrorCode::unavailable);

  ecom::http::Request json_req;
  json_req.path = "/api/v1/products";
  json_req.request_id = "req-db-down";
  ecom::http::Request html_req = json_req;
  html_req.headers.add("Accept", "text/html");
  const auto json_answer = ecom::http::error_response(*error, json_req);
  const auto html_answer = ecom::http::error_response(*error, html_req);
  CHECK(json_answer.status == 503);
  CHECK(html_answer.status == 503);
  CHECK(json_answer.body.find("req-db-down") != std::string::npos);
  CHECK(html_answer.body.find("req-db-down") != std::string::npos);

  // Host, port, user and database name: in the log text, in nothing a client reads.
  for (const std::string_view secret : {"127.0.0.1", "shopowner", "shopdb", "port=1", "pool"}) {
    INFO(secret);
    CHECK(error->message().find(secret) == std::string::npos);
    CHECK(json_answer.body.find(secret) == std::string::npos);
    CHECK(html_answer.body.find(secret) == std::string::npos);
  }
  CHECK_THAT(error->log_text(), Catch::Contains("cannot connect to the database") && Catch::Contains("127.0.0.1") &&
                                    Catch::Contains("shopowner") && Catch::Contains("shopdb"));
  // The password is nowhere, not even in the log.
  for (const auto* text : {error->log_text().c_str(), error->what(), error->message().c_str(), json_answer.body.c_str(),
                           html_answer.body.c_str()}) {
    CHECK_THAT(text, !Catch::Contains("sekrit"));
  }
}

TEST_CASE("SQLite's unique-constraint message maps to PostgreSQL's constraint name", "[db][unique]") {
  using ecom::db::detail::sqlite_constraint_name;
  CHECK(sqlite_constraint_name("sqlite3_statement_backend::loadOne: UNIQUE constraint failed: products.slug", false) ==
        "products_slug_key");
  CHECK(sqlite_constraint_name("UNIQUE constraint failed: pairs.a, pairs.b", false) == "pairs_a_b_key");
  CHECK(sqlite_constraint_name("UNIQUE constraint failed: links.a, links.b", true) == "links_pkey");
  CHECK(sqlite_constraint_name("UNIQUE constraint failed: index 'tags_lower_name'", false) == "tags_lower_name");
  CHECK(sqlite_constraint_name("CHECK constraint failed: available >= 0", false).empty());
  CHECK(sqlite_constraint_name("something else", false).empty());
}
