// The four executables as an operator meets them: --help, --version, config errors, start-up,
// health endpoints and a clean exit on SIGTERM.
#include "child_process.hpp"
#include "http_client.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <signal.h>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
using ecom::test::listening_port;

std::string bin(const std::string& name) {
  return std::string(ECOM_BIN_DIR) + "/" + name;
}

// Runs the binaries from the source tree, where config/ and web/ are.
class Child : public ecom::test::ChildProcess {
 public:
  explicit Child(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {})
      : ChildProcess(argv, ecom::test::with_server_test_env(extra_env), ECOM_SOURCE_DIR) {}
};

// A fresh SQLite database, migrated with ecomctl, for the servers under test.
class MigratedDatabase {
 public:
  void migrate() const {
    Child ctl({bin("ecomctl"), "migrate"}, {url_});
    REQUIRE(ctl.wait_exit(30s) == 0);
  }
  [[nodiscard]] const std::string& env() const { return url_; }

 private:
  ecom::test::TempDir dir_{"ecom-e2e-db"};
  std::string url_ = "ECOM_DB_URL=sqlite:" + (dir_ / "ecom.db").string();
};

}  // namespace

TEST_CASE("every binary answers --version and --help", "[e2e]") {
  for (const char* name : {"ecom-storefront", "ecom-admin", "ecom-worker", "ecomctl"}) {
    CAPTURE(name);
    Child version({bin(name), "--version"});
    CHECK(version.wait_exit(10s) == 0);
    CHECK(version.output().find("0.1.0") != std::string::npos);
    Child help({bin(name), "--help"});
    CHECK(help.wait_exit(10s) == 0);
    CHECK(help.output().find("Usage") != std::string::npos);
  }
  Child keys({bin("ecom-storefront"), "--help"});
  REQUIRE(keys.wait_exit(10s) == 0);
  CHECK(keys.output().find("ECOM_HTTP_PORT") != std::string::npos);
}

TEST_CASE("a bad configuration stops start-up with a message naming the key", "[e2e]") {
  const ecom::test::TempDir dir("ecom-e2e");
  auto file = dir / "bad.json";
  { std::ofstream(file) << R"({"http": {"prot": 8080}})"; }
  Child typo({bin("ecom-storefront"), "--config", file.string()});
  CHECK(typo.wait_exit(10s) == 2);
  CHECK(typo.output().find("http.prot") != std::string::npos);

  Child bad_env({bin("ecom-admin"), "--check-config"}, {"ECOM_HTTP_PORT=not-a-port"});
  CHECK(bad_env.wait_exit(10s) == 2);
  CHECK(bad_env.output().find("ECOM_HTTP_PORT") != std::string::npos);

  // The production storefront requires a cursor secret, and any secret of at least 32 bytes.
  const std::vector<std::string> production = {bin("ecom-storefront"), "--config", "config/storefront.production.json",
                                               "--check-config"};
  Child no_secret(production);
  CHECK(no_secret.wait_exit(10s) == 2);
  CHECK(no_secret.output().find("ECOM_CATALOG_CURSOR_SECRET") != std::string::npos);
  Child short_secret(production, {"ECOM_CATALOG_CURSOR_SECRET=too-short-for-hmac"});
  CHECK(short_secret.wait_exit(10s) == 2);
  CHECK(short_secret.output().find("at least 32 bytes") != std::string::npos);
  CHECK(short_secret.output().find("too-short-for-hmac") == std::string::npos);
  Child long_secret(production, {"ECOM_CATALOG_CURSOR_SECRET=" + std::string(32, 'k')});
  CHECK(long_secret.wait_exit(10s) == 0);

  Child good({bin("ecom-worker"), "--check-config"});
  CHECK(good.wait_exit(10s) == 0);

  Child unknown({bin("ecomctl"), "frobnicate"});
  CHECK(unknown.wait_exit(10s) == 2);
  CHECK(unknown.output().find("unknown command") != std::string::npos);
}

TEST_CASE("servers refuse to start on a schema that is behind", "[e2e]") {
  MigratedDatabase db;  // not migrated
  for (const char* name : {"ecom-storefront", "ecom-admin", "ecom-worker"}) {
    CAPTURE(name);
    Child server({bin(name)}, {"ECOM_HTTP_ADDRESS=127.0.0.1", "ECOM_HTTP_PORT=0", db.env()});
    CHECK(server.wait_exit(15s) == 1);
    CHECK(server.output().find("ecomctl migrate") != std::string::npos);
  }
}

TEST_CASE("servers start, answer health endpoints and exit 0 on SIGTERM", "[e2e]") {
  MigratedDatabase db;
  db.migrate();
  for (const char* name : {"ecom-storefront", "ecom-admin", "ecom-worker"}) {
    CAPTURE(name);
    Child server({bin(name)}, {"ECOM_HTTP_ADDRESS=127.0.0.1", "ECOM_HTTP_PORT=0", "ECOM_HTTP_IO_THREADS=1", db.env()});
    REQUIRE(server.read_until([](const std::string& out) { return listening_port(out).has_value(); }, 15s));
    auto port = *listening_port(server.output());
    CHECK(ecom::test::fetch(port, "GET", "/healthz").status == 200);
    CHECK(ecom::test::fetch(port, "GET", "/readyz").status == 200);
    // Metrics only on the loopback operations listener, never on the public port.
    CHECK(ecom::test::fetch(port, "GET", "/metrics").status == 404);
    auto ops_port = listening_port(server.output(), "ops_port");
    REQUIRE(ops_port.has_value());
    CHECK(*ops_port != port);
    CHECK(ecom::test::fetch(*ops_port, "GET", "/metrics").body.find("http_requests_total") != std::string::npos);
    CHECK(ecom::test::fetch(*ops_port, "GET", "/readyz").status == 200);
    server.signal(SIGTERM);
    CHECK(server.wait_exit(15s) == 0);
    CHECK(server.output().find("\"stopped\"") != std::string::npos);
  }
}

TEST_CASE("the storefront serves its page, its API and fingerprinted static files", "[e2e]") {
  MigratedDatabase db;
  db.migrate();
  Child server({bin("ecom-storefront")}, {"ECOM_HTTP_ADDRESS=127.0.0.1", "ECOM_HTTP_PORT=0", db.env()});
  REQUIRE(server.read_until([](const std::string& out) { return listening_port(out).has_value(); }, 15s));
  auto port = *listening_port(server.output());
  auto home = ecom::test::fetch(port, "GET", "/");
  CHECK(home.status == 200);
  auto css = home.body.find("/static/storefront/app.");
  REQUIRE(css != std::string::npos);
  auto href_end = home.body.find('"', css);
  auto asset = ecom::test::fetch(port, "GET", home.body.substr(css, href_end - css));
  CHECK(asset.status == 200);
  CHECK(asset.header("Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(ecom::test::fetch(port, "GET", "/api/v1/store").status == 200);
  server.signal(SIGINT);
  CHECK(server.wait_exit(15s) == 0);
}

TEST_CASE("both servers refuse a Host they do not serve", "[e2e]") {
  MigratedDatabase db;
  db.migrate();
  for (const char* name : {"ecom-storefront", "ecom-admin"}) {
    CAPTURE(name);
    Child server({bin(name)}, {"ECOM_HTTP_ADDRESS=127.0.0.1", "ECOM_HTTP_PORT=0", "ECOM_HTTP_IO_THREADS=1", db.env()});
    REQUIRE(server.read_until([](const std::string& out) { return listening_port(out).has_value(); }, 15s));
    auto port = *listening_port(server.output());
    // A page anyone may open: the storefront's home, the admin's sign-in form.
    const std::string page = std::string(name) == "ecom-admin" ? "/sign-in" : "/";
    auto get_home = [port, page](const std::string& host) {
      ecom::test::Connection c(port);
      c.send("GET " + page + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
      return c.read_response().status;
    };
    // A page whose DNS name was rebound to 127.0.0.1 sends its own name.
    CHECK(get_home("attacker.example:" + std::to_string(port)) == 400);
    CHECK(get_home("localhost:" + std::to_string(port)) == 200);
    CHECK(get_home("127.0.0.1:" + std::to_string(port)) == 200);
    server.signal(SIGTERM);
    const auto exit_code = server.wait_exit(15s);
    INFO("output: " << server.output());
    CHECK(exit_code == std::optional<int>(0));
  }
}

TEST_CASE("the storefront's accounts end to end, with no secret in the log or the answers", "[e2e][identity]") {
  MigratedDatabase db;
  db.migrate();
  // Debug logging and the access log on: the most the process ever writes.
  Child server({bin("ecom-storefront")}, {"ECOM_HTTP_ADDRESS=127.0.0.1", "ECOM_HTTP_PORT=0", "ECOM_LOG_LEVEL=debug",
                                          "ECOM_HTTP_ACCESS_LOG=true", db.env()});
  REQUIRE(server.read_until([](const std::string& out) { return listening_port(out).has_value(); }, 15s));
  const auto port = *listening_port(server.output());
  const std::string password = "canary-password-7f3a9c";
  const std::vector<std::pair<std::string, std::string>> json = {{"Content-Type", "application/json"}};
  const auto registered =
      ecom::test::fetch(port, "POST", "/api/v1/auth/register", json,
                        R"({"email": "canary@example.com", "password": ")" + password + R"(", "name": "Canary"})");
  REQUIRE(registered.status == 202);
  const auto login = ecom::test::fetch(port, "POST", "/api/v1/auth/login", json,
                                       R"({"email": "canary@example.com", "password": ")" + password + R"("})");
  REQUIRE(login.status == 200);
  const auto cookie_header = *login.header("Set-Cookie");
  const auto cookie = cookie_header.substr(0, cookie_header.find(';'));
  const auto session_token = cookie.substr(cookie.find('=') + 1);
  const auto csrf = std::string(boost::json::parse(login.body).at("csrf_token").as_string());
  const auto me = ecom::test::fetch(port, "GET", "/api/v1/me", {{"Cookie", cookie}});
  REQUIRE(me.status == 200);
  CHECK(boost::json::parse(me.body).at("email").as_string() == "canary@example.com");
  const auto wrong = ecom::test::fetch(port, "POST", "/api/v1/auth/login", json,
                                       R"({"email": "canary@example.com", "password": "canary-wrong-1b2c3d"})");
  CHECK(wrong.status == 401);
  CHECK(ecom::test::fetch(port, "POST", "/api/v1/auth/logout", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}).status ==
        204);
  CHECK(ecom::test::fetch(port, "GET", "/api/v1/me", {{"Cookie", cookie}}).status == 401);
  server.signal(SIGTERM);
  REQUIRE(server.wait_exit(15s) == 0);
  // The log has the requests, and none of the secrets.
  const auto& log = server.output();
  CHECK(log.find("/api/v1/auth/login") != std::string::npos);
  for (const auto& secret : {password, std::string("canary-wrong-1b2c3d"), session_token, csrf}) {
    INFO(secret);
    CHECK(log.find(secret) == std::string::npos);
  }
  for (const auto* body : {&registered.body, &me.body, &wrong.body}) {
    CHECK(body->find(password) == std::string::npos);
    CHECK(body->find("$argon2id$") == std::string::npos);
  }
}

TEST_CASE("the admin's staff sign-in and API keys end to end, with no secret in the log or the answers",
          "[e2e][identity]") {
  MigratedDatabase db;
  db.migrate();
  Child ctl({bin("ecomctl"), "staff", "create", "--email", "canary-owner@example.com", "--role", "owner"}, {db.env()});
  REQUIRE(ctl.wait_exit(30s) == 0);
  const auto at = ctl.output().find("password: ");
  REQUIRE(at != std::string::npos);
  const auto password = ctl.output().substr(at + 10, ctl.output().find('\n', at) - at - 10);
  Child server({bin("ecom-admin")}, {"ECOM_HTTP_ADDRESS=127.0.0.1", "ECOM_HTTP_PORT=0", "ECOM_LOG_LEVEL=debug",
                                     "ECOM_HTTP_ACCESS_LOG=true", db.env()});
  REQUIRE(server.read_until([](const std::string& out) { return listening_port(out).has_value(); }, 15s));
  const auto port = *listening_port(server.output());
  const std::vector<std::pair<std::string, std::string>> json = {{"Content-Type", "application/json"}};
  // Without a session the API says 401 and a page sends the browser to sign in.
  CHECK(ecom::test::fetch(port, "GET", "/api/v1/admin/products").status == 401);
  CHECK(ecom::test::fetch(port, "GET", "/products").status == 303);
  const auto login = ecom::test::fetch(port, "POST", "/api/v1/admin/auth/login", json,
                                       R"({"email": "canary-owner@example.com", "password": ")" + password + R"("})");
  REQUIRE(login.status == 200);
  const auto set_cookie = std::string(*login.header("Set-Cookie"));
  const auto cookie = set_cookie.substr(0, set_cookie.find(';'));
  const auto session_token = cookie.substr(cookie.find('=') + 1);
  const auto csrf = std::string(boost::json::parse(login.body).at("csrf_token").as_string());
  auto signed_in = json;
  signed_in.emplace_back("Cookie", cookie);
  signed_in.emplace_back("X-CSRF-Token", csrf);
  const auto key = ecom::test::fetch(port, "POST", "/api/v1/admin/api-keys", signed_in,
                                     R"({"name": "canary", "permissions": ["catalog.read"]})");
  REQUIRE(key.status == 201);
  const auto secret = std::string(boost::json::parse(key.body).at("secret").as_string());
  CHECK(ecom::test::fetch(port, "GET", "/api/v1/admin/products", {{"Authorization", "Bearer " + secret}}).status ==
        200);
  const auto listed = ecom::test::fetch(port, "GET", "/api/v1/admin/api-keys", {{"Cookie", cookie}});
  const auto audit = ecom::test::fetch(port, "GET", "/api/v1/admin/audit", {{"Cookie", cookie}});
  CHECK(audit.status == 200);
  server.signal(SIGTERM);
  REQUIRE(server.wait_exit(15s) == 0);
  const auto& log = server.output();
  CHECK(log.find("/api/v1/admin/auth/login") != std::string::npos);
  for (const auto& canary : {password, session_token, csrf, secret}) {
    INFO(canary);
    CHECK(log.find(canary) == std::string::npos);
    CHECK(listed.body.find(canary) == std::string::npos);
    CHECK(audit.body.find(canary) == std::string::npos);
  }
  CHECK(login.body.find(password) == std::string::npos);
  CHECK(audit.body.find("$argon2id$") == std::string::npos);
}
