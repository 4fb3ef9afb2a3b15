// An admin change reaches the storefront: the real ecom-admin and ecom-storefront binaries on one
// database, a product created and re-priced through the admin API, read through the storefront's
// API before (so it is cached) and after. Run on both configurations:
//  - embedded: one SQLite file and the in-process cache in each process. The storefront learns of
//    the admin's invalidation by polling the cache_invalidations table (every 200 ms by default),
//    so the new price may take up to one poll interval to show: the test polls for at most 2 s,
//    ten intervals, which bounds a slow machine without hiding a lost invalidation (the cached
//    entry would otherwise live for its 5-minute TTL).
//  - production: a fresh PostgreSQL database (ECOM_TEST_PG_URL) and the shared Redis
//    (ECOM_TEST_REDIS_URL) under a key prefix of its own. The admin deletes the keys in Redis
//    before it answers, so the very next storefront request must show the new price. The
//    storefront first answers the product from its near cache (process memory, on the I/O
//    thread), so this also shows that the admin's invalidation reached that copy before the admin
//    answered. The storefront's listings come from its search index once rebuilt, which must
//    agree.
#include "child_process.hpp"
#include "eventually.hpp"
#include "http_client.hpp"
#include "pg_support.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <random>
#include <signal.h>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
using ecom::test::fetch;
using ecom::test::listening_port;
using ecom::test::RawResponse;

std::string bin(const std::string& name) {
  return std::string(ECOM_BIN_DIR) + "/" + name;
}

// Runs the binaries from the source tree, where config/, migrations/ and web/ are.
class Child : public ecom::test::ChildProcess {
 public:
  explicit Child(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {})
      : ChildProcess(argv, ecom::test::with_server_test_env(extra_env), ECOM_SOURCE_DIR) {}
};

// A server binary on an ephemeral loopback port; SIGTERM and a clean exit at the end.
class Server {
 public:
  Server(const std::string& name, std::vector<std::string> env) {
    env.emplace_back("ECOM_HTTP_ADDRESS=127.0.0.1");
    env.emplace_back("ECOM_HTTP_PORT=0");
    env.emplace_back("ECOM_HTTP_IO_THREADS=1");
    child_.emplace(std::vector<std::string>{bin(name)}, env);
    const bool up = child_->read_until([](const std::string& out) { return listening_port(out).has_value(); }, 20s);
    if (!up) {
      FAIL(name << " did not start:\n" << child_->output());
    }
    port_ = *listening_port(child_->output());
    ops_port_ = listening_port(child_->output(), "ops_port").value_or(0);
  }
  ~Server() {
    child_->signal(SIGTERM);
    (void)child_->wait_exit(15s);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  // The operations listener (/metrics).
  [[nodiscard]] std::uint16_t ops_port() const { return ops_port_; }
  [[nodiscard]] const std::string& output() const { return child_->output(); }
  // Reads what the server printed meanwhile (at most limit); true when pred holds for it.
  bool read_until(const std::function<bool(const std::string&)>& pred, std::chrono::milliseconds limit) {
    return child_->read_until(pred, limit);
  }

 private:
  std::optional<Child> child_;
  std::uint16_t port_ = 0;
  std::uint16_t ops_port_ = 0;
};

void migrate(const std::vector<std::string>& env) {
  Child ctl({bin("ecomctl"), "migrate"}, env);
  const auto code = ctl.wait_exit(60s);
  INFO(ctl.output());
  REQUIRE(code == 0);
}

using Headers = std::vector<std::pair<std::string, std::string>>;

// A staff owner made with ecomctl (its generated password read from what it prints once).
std::string create_owner(const std::vector<std::string>& env) {
  Child ctl({bin("ecomctl"), "staff", "create", "--email", "e2e@example.com", "--role", "owner"}, env);
  const auto code = ctl.wait_exit(60s);
  INFO(ctl.output());
  REQUIRE(code == 0);
  const auto at = ctl.output().find("password: ");
  REQUIRE(at != std::string::npos);
  const auto start = at + 10;
  return ctl.output().substr(start, ctl.output().find('\n', start) - start);
}

// Signs the owner in over the admin API: the headers of a signed-in request (cookie and CSRF).
Headers sign_in(std::uint16_t admin, const std::string& password) {
  const auto r = fetch(admin, "POST", "/api/v1/admin/auth/login", {{"Content-Type", "application/json"}},
                       R"({"email":"e2e@example.com","password":")" + password + R"("})");
  INFO(r.body);
  REQUIRE(r.status == 200);
  const std::string cookie(*r.header("Set-Cookie"));
  return {{"Cookie", cookie.substr(0, cookie.find(';'))},
          {"X-CSRF-Token", std::string(boost::json::parse(r.body).at("csrf_token").as_string())}};
}

Headers with(Headers headers, const Headers& more) {
  headers.insert(headers.end(), more.begin(), more.end());
  return headers;
}

boost::json::object json(const RawResponse& r) {
  INFO(r.status << " " << r.body);
  return boost::json::parse(r.body).as_object();
}

std::int64_t storefront_price(std::uint16_t port, const std::string& slug) {
  const auto r = fetch(port, "GET", "/api/v1/products/" + slug);
  INFO(r.body);
  REQUIRE(r.status == 200);
  return json(r).at("variants").as_array().at(0).as_object().at("price").as_object().at("amount").as_int64();
}

std::int64_t listing_price(std::uint16_t port) {
  const auto r = fetch(port, "GET", "/api/v1/products?limit=5");
  REQUIRE(r.status == 200);
  return json(r).at("items").as_array().at(0).as_object().at("price_from").as_object().at("amount").as_int64();
}

// Creates an active product with one variant at 1000 EUR cents through the admin API; returns the
// product's id, the variant's id and the product's version.
struct Created {
  std::int64_t id = 0;
  std::int64_t variant_id = 0;
  std::int64_t version = 0;
};

Created create_product(std::uint16_t admin, const Headers& auth, const std::string& slug) {
  const auto created =
      fetch(admin, "POST", "/api/v1/admin/products", with(auth, {{"Content-Type", "application/json"}}),
            R"({"slug":")" + slug + R"(","title":"E2E product","status":"active"})");
  INFO(created.body);
  REQUIRE(created.status == 201);
  Created c;
  c.id = json(created).at("id").as_int64();
  const auto variant = fetch(admin, "POST", "/api/v1/admin/products/" + std::to_string(c.id) + "/variants",
                             with(auth, {{"Content-Type", "application/json"}, {"If-Match", *created.header("ETag")}}),
                             R"({"sku":")" + slug + R"(-1","price":{"amount":1000,"currency":"EUR"},"on_hand":5})");
  INFO(variant.body);
  REQUIRE(variant.status == 201);
  const auto doc = json(variant);
  c.variant_id = doc.at("variants").as_array().at(0).as_object().at("id").as_int64();
  c.version = doc.at("version").as_int64();
  return c;
}

void change_price(std::uint16_t admin, const Headers& auth, const Created& c, std::int64_t amount) {
  const auto r = fetch(
      admin, "PATCH", "/api/v1/admin/products/" + std::to_string(c.id) + "/variants/" + std::to_string(c.variant_id),
      with(auth, {{"Content-Type", "application/json"}, {"If-Match", "\"" + std::to_string(c.version) + "\""}}),
      R"({"price":{"amount":)" + std::to_string(amount) + R"(,"currency":"EUR"}})");
  INFO(r.body);
  REQUIRE(r.status == 200);
}

// A counter's value in a Prometheus text page; 0 when absent.
double metric(const std::string& page, const std::string& series) {
  const auto at = page.find("\n" + series + " ");
  if (at == std::string::npos) {
    return 0;
  }
  return std::stod(page.substr(at + series.size() + 2));
}

std::string random_suffix() {
  std::random_device rd;
  return std::to_string(getpid()) + "-" + std::to_string(rd() % 1000000);
}

}  // namespace

TEST_CASE("embedded: an admin price change shows on the storefront within the invalidation poll", "[e2e]") {
  const ecom::test::TempDir dir("ecom-e2e-admin");
  const std::vector<std::string> env = {"ECOM_DB_URL=sqlite:" + (dir / "ecom.db").string(),
                                        "ECOM_CATALOG_CURSOR_SECRET=e2e-cursor-secret-of-at-least-32-bytes"};
  migrate(env);
  const auto password = create_owner(env);
  {
    Server storefront("ecom-storefront", env);
    Server admin("ecom-admin", env);
    const auto auth = sign_in(admin.port(), password);
    CHECK(storefront.output().find(R"("cache":"in-process")") != std::string::npos);
    const auto c = create_product(admin.port(), auth, "sqlite-hat");
    // Read twice: the second read is served from the storefront's cache.
    CHECK(storefront_price(storefront.port(), "sqlite-hat") == 1000);
    CHECK(storefront_price(storefront.port(), "sqlite-hat") == 1000);
    CHECK(listing_price(storefront.port()) == 1000);

    change_price(admin.port(), auth, c, 1500);
    const auto start = std::chrono::steady_clock::now();
    std::int64_t seen = 0;
    (void)ecom::test::eventually(
        [&] {
          seen = storefront_price(storefront.port(), "sqlite-hat");
          return seen == 1500;
        },
        2s, 20ms);
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    std::cout << "embedded: the storefront showed the new price after " << waited.count() << " ms\n";
    CHECK(seen == 1500);
    CHECK(listing_price(storefront.port()) == 1500);
  }
}

TEST_CASE("production: an admin price change shows on the very next storefront request (Redis)", "[e2e][integration]") {
  const auto redis = ecom::db::test::required_env("ECOM_TEST_REDIS_URL");
  ecom::db::test::TempPgDatabase pg;
  const std::vector<std::string> env = {"ECOM_DB_URL=" + pg.url(), "ECOM_CACHE_REDIS_URL=" + redis,
                                        // A namespace of our own in the shared Redis.
                                        "ECOM_CACHE_KEY_PREFIX=ecom-e2e-" + random_suffix() + ":",
                                        "ECOM_CATALOG_CURSOR_SECRET=e2e-cursor-secret-of-at-least-32-bytes",
                                        // The servers' output pipe is read only at start-up, and
                                        // the test makes a few hundred requests: one log line each
                                        // would fill it and block the server.
                                        "ECOM_HTTP_ACCESS_LOG=false"};
  migrate(env);
  const auto password = create_owner(env);
  Server storefront("ecom-storefront", env);
  Server admin("ecom-admin", env);
  const auto auth = sign_in(admin.port(), password);
  // Both really run on Redis (not a silent fallback to the in-process cache).
  CHECK(storefront.output().find(R"("cache":"redis")") != std::string::npos);
  CHECK(admin.output().find(R"("cache":"redis")") != std::string::npos);
  const auto c = create_product(admin.port(), auth, "redis-hat");
  CHECK(storefront_price(storefront.port(), "redis-hat") == 1000);
  CHECK(storefront_price(storefront.port(), "redis-hat") == 1000);
  CHECK(listing_price(storefront.port()) == 1000);
  // Read until the storefront answers from its near cache: its subscriber starts with the first
  // read and subscribes asynchronously, and for a second after the product was written
  // (cache.invalidation_guard_ms) Redis refuses the product's view. Bounded by 10 s.
  ecom::test::require_eventually(
      "the storefront answers from its near cache",
      [&] {
        CHECK(storefront_price(storefront.port(), "redis-hat") == 1000);
        return metric(fetch(storefront.ops_port(), "GET", "/metrics").body, "cache_near_hits_total") > 0;
      },
      10s, 20ms);

  // On PostgreSQL listings come from the storefront's search index once it has been built after
  // the last change (a listing that finds it stale starts a build; an attempt within the
  // invalidation's guard window is retried a second later). Waits for such a build, listing all
  // the while (every answer must show price): at most 40 listings, 250 ms apart.
  const auto builds = [](const std::string& output) {
    std::size_t count = 0;
    for (auto at = output.find("catalog search index built"); at != std::string::npos;
         at = output.find("catalog search index built", at + 1)) {
      ++count;
    }
    return count;
  };
  const auto wait_for_index = [&](std::int64_t price) {
    // What the storefront printed so far, so that only a build from now on counts.
    (void)storefront.read_until([](const std::string&) { return false; }, 300ms);
    const auto before = builds(storefront.output());
    bool rebuilt = false;
    for (int i = 0; i < 40 && !rebuilt; ++i) {
      CHECK(listing_price(storefront.port()) == price);
      rebuilt = storefront.read_until([&](const std::string& output) { return builds(output) > before; }, 250ms);
    }
    INFO(storefront.output());
    REQUIRE(rebuilt);
  };
  wait_for_index(1000);
  CHECK(listing_price(storefront.port()) == 1000);

  // The change reaches the product's near copy and the index's marker (also read through the near
  // cache) before the admin answers: the very next product read and listing show the new price.
  change_price(admin.port(), auth, c, 1500);
  CHECK(storefront_price(storefront.port(), "redis-hat") == 1500);
  CHECK(listing_price(storefront.port()) == 1500);

  // And once the index is rebuilt, listings and searches from it agree.
  wait_for_index(1500);
  CHECK(listing_price(storefront.port()) == 1500);
  const auto r = fetch(storefront.port(), "GET", "/api/v1/products?q=product&facets=true");
  REQUIRE(r.status == 200);
  CHECK(json(r).at("facets").as_object().at("total").as_int64() == 1);
}
