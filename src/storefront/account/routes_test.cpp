// The account API over HTTP on a migrated SQLite database: registration that does not tell a
// taken email, sign-in by cookie and by bearer token, CSRF on cookie-authenticated unsafe
// requests, sign-out here and everywhere, and 401 without a session.
#include "account/routes.hpp"

#include "http_client.hpp"
#include "smtp_server.hpp"
#include "test_server.hpp"
#include "test_support.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/db/migrations.hpp>
#include <ecom/identity/customers.hpp>
#include <ecom/mail/mailer.hpp>
#include <ecom/platform/log.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

using namespace ecom;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

class Accounts {
 public:
  Accounts()
      : db_(std::make_unique<db::Database>(db::test::sqlite_options(dir_.path() / "shop.db"))),
        mailer_(mail_options(smtp_)),
        customers_(*db_, hasher_, cache_, customer_options(mailer_)),
        server_(router()) {
    db::Migrator(*db_, ECOM_SOURCE_DIR "/migrations").apply();
  }

  test::RawResponse post(const std::string& target, const std::string& body, Headers headers = {}) {
    headers.emplace_back("Content-Type", "application/json");
    return test::fetch(server_.port(), "POST", target, headers, body);
  }
  [[nodiscard]] std::uint16_t port() const noexcept { return server_.port(); }
  test::RawResponse get(const std::string& target, const Headers& headers = {}) {
    return test::fetch(server_.port(), "GET", target, headers);
  }
  test::RawResponse register_ada(const std::string& password = "correct horse battery") {
    return post("/api/v1/auth/register",
                R"({"email": "Ada@Example.com", "password": ")" + password + R"(", "name": "Ada"})");
  }
  test::RawResponse login(const std::string& password = "correct horse battery") {
    return post("/api/v1/auth/login", R"({"email": "ada@example.com", "password": ")" + password + R"("})");
  }

  // The n-th email the shop sent (from 1), once it has arrived at the loopback SMTP server.
  [[nodiscard]] test::SmtpMessage email(std::size_t n) const {
    const auto got = smtp_.wait_for(n);
    REQUIRE(got.size() >= n);
    return got[n - 1];
  }
  [[nodiscard]] std::size_t emails() const { return smtp_.messages().size(); }

  // The routes as the server has them, for tests that walk the route table.
  http::Router router() {
    http::Router r;
    storefront::account::add_routes(r, customers_, addresses_);
    return r;
  }

 private:
  static mail::SmtpOptions mail_options(const test::SmtpServer& smtp) {
    mail::SmtpOptions o;
    o.url = smtp.url();
    o.from = "shop@example.com";
    return o;
  }
  static identity::CustomerOptions customer_options(mail::Mailer& mailer) {
    identity::CustomerOptions o;
    o.mail.mailer = &mailer;
    o.mail.base_url = "https://shop.example";
    return o;
  }

  db::test::TempDir dir_;
  std::unique_ptr<db::Database> db_;
  identity::PasswordHasher hasher_;
  cache::LocalCache cache_{cache::LocalCacheOptions{}};
  test::SmtpServer smtp_;
  mail::SmtpMailer mailer_;
  identity::CustomerService customers_;
  identity::AddressBook addresses_{*db_};
  test::TestServer server_;
};

// The token of the link "https://shop.example<path>?token=..." in an email.
std::string link_token(const test::SmtpMessage& m, const std::string& path) {
  const auto body = m.body();
  const auto prefix = "https://shop.example" + path + "?token=";
  const auto at = body.find(prefix);
  REQUIRE(at != std::string::npos);
  const auto start = at + prefix.size();
  return body.substr(start, body.find_first_of("\r\n", start) - start);
}

// Every log line while it lives.
struct LogLines {
  LogLines() {
    log::set_sink([this](std::string_view line) {
      const std::lock_guard lock(mutex);
      text += std::string(line) + "\n";
    });
  }
  ~LogLines() { log::set_sink({}); }
  LogLines(const LogLines&) = delete;
  LogLines& operator=(const LogLines&) = delete;
  [[nodiscard]] bool contains(const std::string& s) {
    const std::lock_guard lock(mutex);
    return text.find(s) != std::string::npos;
  }
  std::mutex mutex;
  std::string text;
};

// "__Host-ecom_session=<token>" from a login answer's Set-Cookie.
std::string session_cookie_of(const test::RawResponse& res) {
  const auto set = res.header("Set-Cookie");
  REQUIRE(set);
  return set->substr(0, set->find(';'));
}

}  // namespace

TEST_CASE("account API: a taken email is answered exactly like a free one", "[storefront][account]") {
  Accounts a;
  const auto first = a.register_ada();
  const auto second = a.register_ada("another good passphrase");
  CHECK(first.status == 202);
  CHECK(second.status == 202);
  CHECK(first.body == second.body);
  CHECK(first.header("Content-Type") == second.header("Content-Type"));
  CHECK(boost::json::parse(first.body).at("email").as_string() == "ada@example.com");
  // The second registration changed nothing: the first password signs in, the second does not.
  CHECK(a.login().status == 200);
  CHECK(a.login("another good passphrase").status == 401);
  // Invalid input is refused naming the field, and creates nothing.
  const auto weak = a.post("/api/v1/auth/register", R"({"email": "bob@example.com", "password": "password"})");
  CHECK(weak.status == 422);
  CHECK(weak.body.find(R"("name":"password")") != std::string::npos);
  CHECK(a.post("/api/v1/auth/register", R"({"email": "bob@example.com", "password": "x", "admin": true})").status ==
        400);
  CHECK(a.post("/api/v1/auth/register", "email=bob", {{"Content-Type", "application/x-www-form-urlencoded"}}).status ==
        415);
  CHECK(a.post("/api/v1/auth/login", R"({"email": "bob@example.com", "password": "password"})").status == 401);
}

TEST_CASE("account API: sign in with a cookie, CSRF on unsafe requests, sign out", "[storefront][account]") {
  Accounts a;
  REQUIRE(a.register_ada().status == 202);
  const auto res = a.login();
  REQUIRE(res.status == 200);
  CHECK(res.header("Cache-Control") == "no-store");
  const auto set_cookie = *res.header("Set-Cookie");
  CHECK(set_cookie.starts_with("__Host-ecom_session="));
  for (const auto* attribute : {"; Path=/", "; Secure", "; HttpOnly", "; SameSite=Lax", "; Max-Age="}) {
    CHECK(set_cookie.find(attribute) != std::string::npos);
  }
  const auto body = boost::json::parse(res.body).as_object();
  CHECK(body.at("customer").at("email").as_string() == "ada@example.com");
  CHECK(body.at("customer").at("email_verified").as_bool() == false);
  const std::string csrf(body.at("csrf_token").as_string());
  const auto cookie = session_cookie_of(res);

  const auto me = a.get("/api/v1/me", {{"Cookie", cookie}});
  REQUIRE(me.status == 200);
  CHECK(boost::json::parse(me.body).at("name").as_string() == "Ada");
  // An unsafe request by cookie needs the CSRF token; a wrong one is as good as none.
  CHECK(a.post("/api/v1/auth/logout", "", {{"Cookie", cookie}}).status == 403);
  CHECK(a.post("/api/v1/auth/logout", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf + "0"}}).status == 403);
  CHECK(a.get("/api/v1/me", {{"Cookie", cookie}}).status == 200);  // still signed in
  const auto out = a.post("/api/v1/auth/logout", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  CHECK(out.status == 204);
  CHECK(out.header("Set-Cookie")->find("Max-Age=0") != std::string::npos);
  CHECK(a.get("/api/v1/me", {{"Cookie", cookie}}).status == 401);
}

TEST_CASE("account API: bearer tokens for API clients, no cookie and no CSRF", "[storefront][account]") {
  Accounts a;
  REQUIRE(a.register_ada().status == 202);
  const auto res = a.post("/api/v1/auth/token", R"({"email": "ada@example.com", "password": "correct horse battery"})");
  REQUIRE(res.status == 200);
  CHECK_FALSE(res.header("Set-Cookie"));
  const auto body = boost::json::parse(res.body).as_object();
  CHECK(body.at("token_type").as_string() == "Bearer");
  CHECK(body.at("expires_in").as_int64() > 29 * 24 * 3600);
  const std::string bearer = "Bearer " + std::string(body.at("access_token").as_string());
  CHECK(a.get("/api/v1/me", {{"Authorization", bearer}}).status == 200);
  CHECK(a.post("/api/v1/auth/logout", "", {{"Authorization", bearer}}).status == 204);
  CHECK(a.get("/api/v1/me", {{"Authorization", bearer}}).status == 401);
}

TEST_CASE("account API: sign out everywhere ends the cookie and the bearer sessions", "[storefront][account]") {
  Accounts a;
  REQUIRE(a.register_ada().status == 202);
  const auto browser = a.login();
  const auto cookie = session_cookie_of(browser);
  const std::string csrf(boost::json::parse(browser.body).at("csrf_token").as_string());
  const auto token =
      a.post("/api/v1/auth/token", R"({"email": "ada@example.com", "password": "correct horse battery"})");
  const std::string bearer = "Bearer " + std::string(boost::json::parse(token.body).at("access_token").as_string());
  CHECK(a.post("/api/v1/auth/logout-everywhere", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}).status == 204);
  CHECK(a.get("/api/v1/me", {{"Cookie", cookie}}).status == 401);
  CHECK(a.get("/api/v1/me", {{"Authorization", bearer}}).status == 401);
}

TEST_CASE("account API: wrong credentials and missing sessions are 401, alike", "[storefront][account]") {
  Accounts a;
  REQUIRE(a.register_ada().status == 202);
  const auto wrong = a.login("wrong horse battery");
  const auto unknown =
      a.post("/api/v1/auth/login", R"({"email": "eve@example.com", "password": "correct horse battery"})");
  CHECK(wrong.status == 401);
  CHECK(unknown.status == 401);
  CHECK(boost::json::parse(wrong.body).at("detail") == boost::json::parse(unknown.body).at("detail"));
  CHECK_FALSE(wrong.header("Set-Cookie"));
  CHECK(a.get("/api/v1/me").status == 401);
  CHECK(a.get("/api/v1/me", {{"Cookie", "__Host-ecom_session=made-up"}}).status == 401);
  CHECK(a.get("/api/v1/me", {{"Authorization", "Bearer made-up"}}).status == 401);
  CHECK(a.post("/api/v1/auth/logout", "").status == 401);
  CHECK(a.post("/api/v1/auth/login", R"({"email": "ada@example.com"})").status == 400);
}

TEST_CASE("account API: the profile's name changes, the password changes with the current one",
          "[storefront][account]") {
  Accounts a;
  REQUIRE(a.register_ada().status == 202);
  const auto browser = a.login();
  const auto cookie = session_cookie_of(browser);
  const std::string csrf(boost::json::parse(browser.body).at("csrf_token").as_string());
  const Headers by_cookie = {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};

  auto patch = [&](const std::string& body, Headers headers) {
    headers.emplace_back("Content-Type", "application/json");
    return test::fetch(a.port(), "PATCH", "/api/v1/me", headers, body);
  };
  const auto renamed = patch(R"({"name": "Augusta Ada King"})", by_cookie);
  REQUIRE(renamed.status == 200);
  CHECK(boost::json::parse(renamed.body).at("name").as_string() == "Augusta Ada King");
  CHECK(patch(R"({"name": "x"})", {{"Cookie", cookie}}).status == 403);  // no CSRF token
  CHECK(patch(R"({"email": "eve@example.com"})", by_cookie).status == 400);

  // A wrong current password changes nothing; the right one ends every other session.
  const auto token =
      a.post("/api/v1/auth/token", R"({"email": "ada@example.com", "password": "correct horse battery"})");
  const std::string bearer = "Bearer " + std::string(boost::json::parse(token.body).at("access_token").as_string());
  CHECK(a.post("/api/v1/me/password",
               R"({"current_password": "wrong horse battery", "new_password": "a new long passphrase"})", by_cookie)
            .status == 401);
  const auto weak = a.post("/api/v1/me/password",
                           R"({"current_password": "correct horse battery", "new_password": "12345678"})", by_cookie);
  CHECK(weak.status == 422);
  CHECK(weak.body.find(R"("name":"new_password")") != std::string::npos);
  const auto changed =
      a.post("/api/v1/me/password",
             R"({"current_password": "correct horse battery", "new_password": "a new long passphrase"})", by_cookie);
  REQUIRE(changed.status == 200);
  const auto new_cookie = session_cookie_of(changed);
  CHECK(new_cookie != cookie);
  CHECK(a.get("/api/v1/me", {{"Cookie", cookie}}).status == 401);
  CHECK(a.get("/api/v1/me", {{"Authorization", bearer}}).status == 401);
  CHECK(a.get("/api/v1/me", {{"Cookie", new_cookie}}).status == 200);
  CHECK(a.login().status == 401);
  CHECK(a.login("a new long passphrase").status == 200);
}

TEST_CASE("account API: the address book, where another customer's address is 404 on every route",
          "[storefront][account]") {
  Accounts a;
  REQUIRE(a.register_ada().status == 202);
  REQUIRE(
      a.post("/api/v1/auth/register", R"({"email": "bob@example.com", "password": "correct horse battery"})").status ==
      202);
  const auto bearer_of = [&](const std::string& email) {
    const auto res =
        a.post("/api/v1/auth/token", R"({"email": ")" + email + R"(", "password": "correct horse battery"})");
    REQUIRE(res.status == 200);
    return "Bearer " + std::string(boost::json::parse(res.body).at("access_token").as_string());
  };
  const Headers ada = {{"Authorization", bearer_of("ada@example.com")}};
  const Headers bob = {{"Authorization", bearer_of("bob@example.com")}};
  const auto created = a.post("/api/v1/me/addresses",
                              R"({"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London",
                                  "postal_code": "SW1Y 4JH", "country": "gb"})",
                              ada);
  REQUIRE(created.status == 201);
  const auto address = boost::json::parse(created.body).as_object();
  CHECK(address.at("country").as_string() == "GB");
  const auto path = "/api/v1/me/addresses/" + std::to_string(address.at("id").as_int64());
  CHECK(a.get(path, ada).status == 200);
  CHECK(boost::json::parse(a.get("/api/v1/me/addresses", ada).body).at("items").as_array().size() == 1);
  CHECK(boost::json::parse(a.get("/api/v1/me/addresses", bob).body).at("items").as_array().empty());

  // Bob, on each route that takes an id: Ada's address is as absent as one that does not exist.
  const auto missing = "/api/v1/me/addresses/999999";
  const auto patch = [&](const std::string& target, const Headers& who) {
    Headers headers = who;
    headers.emplace_back("Content-Type", "application/json");
    return test::fetch(a.port(), "PATCH", target, headers, R"({"city": "Paris"})");
  };
  for (const auto& target : {path, std::string(missing), std::string("/api/v1/me/addresses/abc")}) {
    INFO(target);
    const auto got = a.get(target, bob);
    CHECK(got.status == 404);
    CHECK(patch(target, bob).status == 404);
    CHECK(test::fetch(a.port(), "DELETE", target, bob).status == 404);
    // The same answer body (but for the request id) as for an id that exists nowhere.
    CHECK(boost::json::parse(got.body).at("detail") == boost::json::parse(a.get(missing, bob).body).at("detail"));
  }
  CHECK(boost::json::parse(a.get(path, ada).body).at("city").as_string() == "London");

  const auto changed = patch(path, ada);
  REQUIRE(changed.status == 200);
  CHECK(boost::json::parse(changed.body).at("city").as_string() == "Paris");
  CHECK(boost::json::parse(changed.body).at("line1").as_string() == "12 St James's Square");
  const auto bad =
      a.post("/api/v1/me/addresses", R"({"name": "A", "line1": "x", "city": "y", "country": "Germany"})", ada);
  CHECK(bad.status == 422);
  CHECK(bad.body.find(R"("name":"country")") != std::string::npos);
  CHECK(a.post("/api/v1/me/addresses", R"({"name": "A", "planet": "Mars"})", ada).status == 400);
  CHECK(a.get("/api/v1/me/addresses").status == 401);
  CHECK(test::fetch(a.port(), "DELETE", path, ada).status == 204);
  CHECK(a.get(path, ada).status == 404);
}

TEST_CASE("account API: the data export holds everything but secrets, erasure needs the password",
          "[storefront][account]") {
  Accounts a;
  REQUIRE(a.register_ada().status == 202);
  const auto res = a.post("/api/v1/auth/token", R"({"email": "ada@example.com", "password": "correct horse battery"})");
  const std::string token(boost::json::parse(res.body).at("access_token").as_string());
  const Headers ada = {{"Authorization", "Bearer " + token}};
  REQUIRE(
      a.post("/api/v1/me/addresses", R"({"name": "Ada", "line1": "1 Main St", "city": "London", "country": "GB"})", ada)
          .status == 201);

  const auto exported = a.get("/api/v1/me/export", ada);
  REQUIRE(exported.status == 200);
  CHECK(exported.header("Content-Disposition")->find("attachment") != std::string::npos);
  const auto doc = boost::json::parse(exported.body).as_object();
  CHECK(doc.at("customer").at("email").as_string() == "ada@example.com");
  CHECK(doc.at("addresses").as_array().size() == 1);
  CHECK(doc.at("sessions").as_array().size() == 1);
  CHECK(doc.at("events").is_array());
  for (const auto* secret : {"correct horse battery", "$argon2id$", token.c_str()}) {
    CHECK(exported.body.find(secret) == std::string::npos);
  }

  const auto erase = [&](const std::string& password) {
    Headers headers = ada;
    headers.emplace_back("Content-Type", "application/json");
    return test::fetch(a.port(), "DELETE", "/api/v1/me", headers, R"({"password": ")" + password + R"("})");
  };
  CHECK(erase("wrong horse battery").status == 401);
  CHECK(a.get("/api/v1/me", ada).status == 200);  // still there
  CHECK(erase("correct horse battery").status == 204);
  CHECK(a.get("/api/v1/me", ada).status == 401);
  CHECK(a.login().status == 401);
  // The address is free again: a new account can take it.
  CHECK(a.register_ada("a brand new passphrase").status == 202);
  CHECK(a.login("a brand new passphrase").status == 200);
  const auto fresh =
      a.post("/api/v1/auth/token", R"({"email": "ada@example.com", "password": "a brand new passphrase"})");
  const Headers again = {
      {"Authorization", "Bearer " + std::string(boost::json::parse(fresh.body).at("access_token").as_string())}};
  CHECK(boost::json::parse(a.get("/api/v1/me/addresses", again).body).at("items").as_array().empty());
}

TEST_CASE("account API: every unsafe route a cookie can reach refuses a request without the CSRF token",
          "[storefront][account]") {
  Accounts a;
  REQUIRE(a.register_ada().status == 202);
  const auto browser = a.login();
  const auto cookie = session_cookie_of(browser);
  const Headers bearer_auth = {
      {"Authorization",
       "Bearer " +
           std::string(boost::json::parse(a.post("/api/v1/auth/token",
                                                 R"({"email": "ada@example.com", "password": "correct horse battery"})")
                                              .body)
                           .at("access_token")
                           .as_string())}};
  const auto address = a.post("/api/v1/me/addresses",
                              R"({"name": "A", "line1": "1 Main St", "city": "X", "country": "DE"})", bearer_auth);
  REQUIRE(address.status == 201);
  const auto address_id = std::to_string(boost::json::parse(address.body).at("id").as_int64());
  // Sign-up and sign-in take no session, so there is no session whose CSRF token they could need.
  // Nor do the reset and verification routes, whose token in the emailed link is the proof.
  const std::set<std::string> public_routes = {"/api/v1/auth/register",
                                               "/api/v1/auth/login",
                                               "/api/v1/auth/token",
                                               "/api/v1/auth/password-reset",
                                               "/api/v1/auth/password-reset/confirm",
                                               "/api/v1/auth/verify"};
  int walked = 0;
  const auto routes = a.router();
  for (const auto& route : routes.routes()) {
    if (route->method == http::Method::get || route->method == http::Method::head ||
        public_routes.contains(route->pattern)) {
      continue;
    }
    std::string target = route->pattern;
    if (const auto at = target.find("{id}"); at != std::string::npos) {
      target.replace(at, 4, address_id);
    }
    INFO(http::to_string(route->method) << " " << target);
    const auto res = test::fetch(a.port(), http::to_string(route->method), target,
                                 {{"Cookie", cookie}, {"Content-Type", "application/json"}}, R"({"password": "x"})");
    CHECK(res.status == 403);
    ++walked;
  }
  CHECK(walked >= 7);  // logout, logout-everywhere, PATCH and DELETE /me, password, address POST, PATCH, DELETE
  // The walk changed nothing: the session and the address are still there.
  CHECK(a.get("/api/v1/me", {{"Cookie", cookie}}).status == 200);
  CHECK(a.get("/api/v1/me/addresses/" + address_id, bearer_auth).status == 200);
}

TEST_CASE("account API: every route that takes an id answers 404 for another customer's object",
          "[storefront][account]") {
  Accounts a;
  const auto bearer_of = [&](const std::string& email) {
    REQUIRE(a.post("/api/v1/auth/register", R"({"email": ")" + email + R"(", "password": "correct horse battery"})")
                .status == 202);
    const auto res =
        a.post("/api/v1/auth/token", R"({"email": ")" + email + R"(", "password": "correct horse battery"})");
    return Headers{
        {"Authorization", "Bearer " + std::string(boost::json::parse(res.body).at("access_token").as_string())},
        {"Content-Type", "application/json"}};
  };
  const auto ada = bearer_of("ada@example.com");
  const auto bob = bearer_of("bob@example.com");
  const auto created =
      a.post("/api/v1/me/addresses", R"({"name": "A", "line1": "1 Main St", "city": "X", "country": "DE"})", ada);
  REQUIRE(created.status == 201);
  const auto id = std::to_string(boost::json::parse(created.body).at("id").as_int64());
  int walked = 0;
  const auto routes = a.router();
  for (const auto& route : routes.routes()) {
    if (route->pattern.find("{id}") == std::string::npos || route->method == http::Method::head) {
      continue;
    }
    std::string target = route->pattern;
    target.replace(target.find("{id}"), 4, id);
    INFO(http::to_string(route->method) << " " << target);
    CHECK(test::fetch(a.port(), http::to_string(route->method), target, bob, R"({"city": "Paris"})").status == 404);
    ++walked;
  }
  CHECK(walked >= 3);
  const auto still = a.get("/api/v1/me/addresses/" + id, ada);
  REQUIRE(still.status == 200);
  CHECK(boost::json::parse(still.body).at("city").as_string() == "X");
}

TEST_CASE("account API: a reset link by email, the same 202 for an unknown email, once only, every session ended",
          "[storefront][account][reset]") {
  LogLines logs;
  Accounts a;
  REQUIRE(a.register_ada().status == 202);
  (void)a.email(1);  // the verification link
  const auto cookie = session_cookie_of(a.login());
  const auto unknown = a.post("/api/v1/auth/password-reset", R"({"email": "nobody@example.com"})");
  const auto known = a.post("/api/v1/auth/password-reset", R"({"email": "Ada@Example.com"})");
  CHECK(unknown.status == 202);
  CHECK(known.status == 202);
  CHECK(unknown.body == known.body);
  CHECK(unknown.header("Cache-Control") == known.header("Cache-Control"));
  const auto m = a.email(2);  // the unknown email sent nothing: the next one is Ada's
  CHECK(m.to == std::vector<std::string>{"ada@example.com"});
  const auto token = link_token(m, "/account/reset-password");

  CHECK(a.post("/api/v1/auth/password-reset/confirm", R"({"token": ")" + token + R"(", "password": "short"})").status ==
        422);
  const auto done =
      a.post("/api/v1/auth/password-reset/confirm", R"({"token": ")" + token + R"(", "password": "a new passphrase"})");
  CHECK(done.status == 204);
  CHECK(a.get("/api/v1/me", {{"Cookie", cookie}}).status == 401);  // the old session ended
  CHECK(a.login().status == 401);
  CHECK(a.login("a new passphrase").status == 200);
  // Once only: a used token is 410, like one that never was.
  CHECK(a.post("/api/v1/auth/password-reset/confirm", R"({"token": ")" + token + R"(", "password": "another one!"})")
            .status == 410);
  CHECK(a.post("/api/v1/auth/password-reset/confirm", R"({"token": "made-up", "password": "another one!"})").status ==
        410);
  CHECK(a.post("/api/v1/auth/password-reset", R"({"email": "not an address"})").status == 422);
  CHECK(a.post("/api/v1/auth/password-reset", R"({"email": "a@example.com", "extra": 1})").status == 400);
  CHECK_FALSE(logs.contains(token));
}

TEST_CASE("account API: the emailed verification link verifies once, and a new one can be asked for",
          "[storefront][account][verify]") {
  LogLines logs;
  Accounts a;
  REQUIRE(a.register_ada().status == 202);
  const auto first = link_token(a.email(1), "/account/verify-email");
  const auto login = a.login();
  const auto cookie = session_cookie_of(login);
  const std::string csrf(boost::json::parse(login.body).at("csrf_token").as_string());
  CHECK_FALSE(boost::json::parse(a.get("/api/v1/me", {{"Cookie", cookie}}).body).at("email_verified").as_bool());
  // Asking for a new link is a cookie-authenticated change: CSRF applies.
  CHECK(a.post("/api/v1/me/verification", "", {{"Cookie", cookie}}).status == 403);
  CHECK(a.post("/api/v1/me/verification", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}).status == 202);
  const auto second = link_token(a.email(2), "/account/verify-email");
  CHECK(second != first);
  CHECK(a.post("/api/v1/auth/verify", R"({"token": ")" + first + R"("})").status == 204);
  CHECK(boost::json::parse(a.get("/api/v1/me", {{"Cookie", cookie}}).body).at("email_verified").as_bool());
  CHECK(a.post("/api/v1/auth/verify", R"({"token": ")" + first + R"("})").status == 410);
  // Verified: a new link is not sent.
  CHECK(a.post("/api/v1/me/verification", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}).status == 202);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(a.emails() == 2);
  CHECK_FALSE(logs.contains(first));
  CHECK_FALSE(logs.contains(second));
}
