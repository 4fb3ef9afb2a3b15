// The admin's chokepoint over HTTP, on the whole route table main() serves (admin::App): start-up
// refuses undeclared permissions; every role on every route (the matrix is generated from the
// table and roles.hpp, never written out); no session, a customer's cookie, a missing CSRF token;
// the sign-in API with and without the second factor; the staff API's owner rules; the sign-in
// pages.
#include "auth/guard.hpp"

#include "api/test_app.hpp"
#include "app.hpp"
#include "http_client.hpp"
#include "pages/session_pages.hpp"
#include "test_server.hpp"
#include "test_support.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/cache/local_cache.hpp>
#include <ecom/db/migrations.hpp>
#include <ecom/identity/customers.hpp>
#include <ecom/identity/roles.hpp>
#include <ecom/identity/tokens.hpp>
#include <ecom/identity/totp.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace identity = ecom::identity;
using Headers = std::vector<std::pair<std::string, std::string>>;

const std::string kPassword = "a long staff passphrase";

struct RouteInfo {
  ecom::http::Method method;
  std::string pattern;
  std::string permission;
};

// A signed-in browser: its cookie and CSRF token.
struct Browser {
  std::string cookie;
  std::string csrf;
};

struct Admin {
  explicit Admin(bool require_totp = false, const std::string& extra_config = "")
      : shop(staff_options(require_totp), extra_config),
        db(shop.db),
        hasher(shop.hasher),
        cache(shop.cache),
        staff(shop.staff) {
    auto router = shop.app.make_router();
    for (const auto& route : router.routes()) {
      routes.push_back({route->method, route->pattern, route->options.permission});
    }
    server = std::make_unique<ecom::test::TestServer>(std::move(router));
  }

  static identity::StaffOptions staff_options(bool require_totp) {
    identity::StaffOptions options;
    options.require_totp = require_totp;
    return options;
  }

  identity::StaffMember add(const std::string& email, const std::string& role) {
    return staff.create({email, role, role, kPassword}, std::nullopt, "").staff;
  }

  // Signs in over the API and keeps the cookie and the CSRF token.
  Browser sign_in(const std::string& email) const {
    const auto res =
        post_json("/api/v1/admin/auth/login", R"({"email":")" + email + R"(","password":")" + kPassword + R"("})");
    REQUIRE(res.status == 200);
    const auto set_cookie = std::string(*res.header("Set-Cookie"));
    return Browser{set_cookie.substr(0, set_cookie.find(';')),
                   std::string(boost::json::parse(res.body).at("csrf_token").as_string())};
  }

  [[nodiscard]] ecom::test::RawResponse post_json(const std::string& target, const std::string& body,
                                                  Headers headers = {}) const {
    headers.emplace_back("Content-Type", "application/json");
    return ecom::test::fetch(server->port(), "POST", target, headers, body);
  }
  [[nodiscard]] ecom::test::RawResponse get(const std::string& target, const Headers& headers = {}) const {
    return ecom::test::fetch(server->port(), "GET", target, headers);
  }

  ecom::admin::test::TestApp shop;
  ecom::db::Database& db;
  identity::PasswordHasher& hasher;
  ecom::cache::LocalCache& cache;
  identity::StaffService& staff;
  std::vector<RouteInfo> routes;
  std::unique_ptr<ecom::test::TestServer> server;
};

// A concrete target for a route pattern: ids that name nothing, so no call changes real data.
std::string target_of(const std::string& pattern) {
  return std::regex_replace(std::regex_replace(pattern, std::regex(R"(\{[a-z_]+\.\.\.\})"), "x"),
                            std::regex(R"(\{[a-z_]+\})"), "999999");
}

bool is_api(const std::string& pattern) {
  return pattern.starts_with("/api/");
}

bool signs_out(const std::string& pattern) {
  return pattern == "/sign-out" || pattern == "/api/v1/admin/auth/logout";
}

// The request a route gets in the matrix: a body of the route's kind, the CSRF token both ways.
ecom::test::RawResponse call(const Admin& admin, const RouteInfo& route, const Browser* browser, bool with_csrf) {
  Headers headers;
  std::string body;
  if (route.method != ecom::http::Method::get) {
    headers.emplace_back("Content-Type",
                         is_api(route.pattern) ? "application/json" : "application/x-www-form-urlencoded");
    body = is_api(route.pattern) ? "{}" : "x=1";
  }
  if (browser != nullptr) {
    headers.emplace_back("Cookie", browser->cookie);
    if (with_csrf) {
      headers.emplace_back("X-CSRF-Token", browser->csrf);
    }
  }
  return ecom::test::fetch(admin.server->port(), ecom::http::to_string(route.method), target_of(route.pattern), headers,
                           body);
}

}  // namespace

TEST_CASE("admin auth: a route without a permission, or with one no role grants, stops start-up", "[admin][auth]") {
  ecom::db::test::TempDir dir;
  ecom::db::Database db(ecom::db::test::sqlite_options(dir.path() / "shop.db"));
  ecom::cache::LocalCache cache(ecom::cache::LocalCacheOptions{});
  identity::PasswordHasher hasher;
  identity::StaffService staff(db, hasher, cache);
  const auto ok = [](ecom::http::Request&) { return ecom::http::Response::empty(204); };
  for (const std::string permission : {"", "catalog.delete_everything"}) {
    CAPTURE(permission);
    ecom::http::Router router;
    router.get("/fine", ok, {.permission = "catalog.read"});
    router.get("/forgotten", ok, {.permission = permission});
    try {
      ecom::admin::auth::protect(router, staff);
      FAIL("protect accepted the route");
    } catch (const std::invalid_argument& e) {
      CHECK_THAT(e.what(), Catch::Contains("/forgotten"));
    }
  }
  ecom::http::Router router;
  router.get("/fine", ok, {.permission = "catalog.read"});
  router.get("/open", ok, {.permission = std::string(ecom::http::kPublicRoute)});
  CHECK_NOTHROW(ecom::admin::auth::protect(router, staff));
}

TEST_CASE("admin auth: every role on every admin route gets exactly what its permissions allow", "[admin][auth]") {
  Admin admin;
  std::map<std::string, Browser> browsers;
  for (const auto role : identity::all_roles()) {
    const std::string name(role);
    (void)admin.add(name + "@example.com", name);
    browsers[name] = admin.sign_in(name + "@example.com");
  }
  REQUIRE(admin.routes.size() > 20);
  std::size_t checked = 0;
  for (const auto& route : admin.routes) {
    CAPTURE(ecom::http::to_string(route.method), route.pattern, route.permission);
    if (route.permission == ecom::http::kPublicRoute) {
      continue;
    }
    REQUIRE(identity::is_permission(route.permission));
    // Nobody signed in: the API says 401, a page sends the browser to the sign-in page.
    const auto anonymous = call(admin, route, nullptr, false);
    if (is_api(route.pattern)) {
      CHECK(anonymous.status == 401);
    } else {
      CHECK(anonymous.status == 303);
      CHECK(anonymous.header("Location").value_or("").starts_with("/sign-in"));
    }
    for (const auto role : identity::all_roles()) {
      const std::string name(role);
      CAPTURE(name);
      const auto res = call(admin, route, &browsers[name], true);
      if (identity::role_grants(name, route.permission)) {
        CHECK(res.status != 401);
        CHECK(res.status != 403);
        CHECK_FALSE(res.header("Location").value_or("").starts_with("/sign-in?"));
      } else {
        CHECK(res.status == 403);
      }
      ++checked;
      if (signs_out(route.pattern)) {
        browsers[name] = admin.sign_in(name + "@example.com");
      }
    }
    // An unsafe request by cookie without the CSRF token is refused, even for the owner.
    if (route.method != ecom::http::Method::get) {
      CHECK(call(admin, route, &browsers["owner"], false).status == 403);
    }
  }
  CHECK(checked >= 6 * 20);
}

TEST_CASE("admin auth: a customer's session never opens the admin", "[admin][auth]") {
  Admin admin;
  identity::CustomerService customers(admin.db, admin.hasher, admin.cache);
  (void)customers.register_customer({"shopper@example.com", "shopper password", "Shopper"}, "");
  const auto session = customers.sign_in("shopper@example.com", "shopper password", "");
  // Under either cookie name, and as a bearer token.
  for (const auto& headers : std::vector<Headers>{{{"Cookie", "__Host-ecom_session=" + session.token}},
                                                  {{"Cookie", "__Host-ecom_staff=" + session.token}}}) {
    CHECK(admin.get("/api/v1/admin/products", headers).status == 401);
    CHECK(admin.get("/products", headers).status == 303);
  }
  CHECK(admin.get("/api/v1/admin/products", {{"Authorization", "Bearer " + session.token}}).status == 401);
}

TEST_CASE("admin auth: sign-in answers, sign-out ends the session", "[admin][auth]") {
  Admin admin;
  (void)admin.add("ada@example.com", "catalog_manager");
  const auto wrong =
      admin.post_json("/api/v1/admin/auth/login", R"({"email":"ada@example.com","password":"wrong one!"})");
  const auto unknown =
      admin.post_json("/api/v1/admin/auth/login", R"({"email":"bob@example.com","password":"wrong one!"})");
  CHECK(wrong.status == 401);
  CHECK(boost::json::parse(wrong.body).at("detail") == boost::json::parse(unknown.body).at("detail"));
  CHECK(admin.post_json("/api/v1/admin/auth/login", R"({"email":"ada@example.com"})").status == 400);

  const auto ok =
      admin.post_json("/api/v1/admin/auth/login", R"({"email":"ada@example.com","password":")" + kPassword + R"("})");
  REQUIRE(ok.status == 200);
  const auto cookie = std::string(*ok.header("Set-Cookie"));
  CHECK_THAT(cookie, Catch::StartsWith("__Host-ecom_staff=") && Catch::Contains("; Path=/") &&
                         Catch::Contains("; Secure") && Catch::Contains("; HttpOnly") &&
                         Catch::Contains("; SameSite=Lax"));
  const auto body = boost::json::parse(ok.body);
  CHECK(body.at("staff").at("role") == "catalog_manager");
  CHECK_FALSE(body.as_object().contains("recovery_codes"));
  const Browser browser{cookie.substr(0, cookie.find(';')), std::string(body.at("csrf_token").as_string())};
  const auto me = admin.get("/api/v1/admin/me", {{"Cookie", browser.cookie}});
  REQUIRE(me.status == 200);
  const auto permissions = boost::json::parse(me.body).at("permissions").as_array();
  CHECK(std::find(permissions.begin(), permissions.end(), boost::json::value("catalog.write")) != permissions.end());
  CHECK(std::find(permissions.begin(), permissions.end(), boost::json::value("staff.read")) == permissions.end());

  const auto out =
      admin.post_json("/api/v1/admin/auth/logout", "{}", {{"Cookie", browser.cookie}, {"X-CSRF-Token", browser.csrf}});
  CHECK(out.status == 204);
  CHECK_THAT(std::string(out.header("Set-Cookie").value_or("")), Catch::Contains("Max-Age=0"));
  CHECK(admin.get("/api/v1/admin/me", {{"Cookie", browser.cookie}}).status == 401);
}

TEST_CASE("admin auth: a required second factor is set up and then asked for over the API", "[admin][auth]") {
  Admin admin(true);
  (void)admin.add("ada@example.com", "owner");
  const std::string login = R"({"email":"ada@example.com","password":")" + kPassword + R"(")";
  const auto enrol = admin.post_json("/api/v1/admin/auth/login", login + "}");
  REQUIRE(enrol.status == 403);
  const auto problem = boost::json::parse(enrol.body);
  CHECK(problem.at("totp_enrolment_required") == true);
  CHECK(enrol.header("Set-Cookie") == std::nullopt);
  const auto secret = *identity::base32_decode(problem.at("totp_secret").as_string());
  const auto now = std::time(nullptr);
  const auto done =
      admin.post_json("/api/v1/admin/auth/login", login + R"(,"totp":")" + identity::totp_code(secret, now) + "\"}");
  REQUIRE(done.status == 200);
  const auto codes = boost::json::parse(done.body).at("recovery_codes").as_array();
  REQUIRE(codes.size() == 10);
  const auto asked = admin.post_json("/api/v1/admin/auth/login", login + "}");
  CHECK(asked.status == 401);
  CHECK(boost::json::parse(asked.body).at("totp_required") == true);
  const auto recovered =
      admin.post_json("/api/v1/admin/auth/login", login + R"(,"totp":")" + std::string(codes[0].as_string()) + "\"}");
  CHECK(recovered.status == 200);
}

TEST_CASE("admin auth: only owners and administrators manage staff, and only an owner makes an owner",
          "[admin][auth]") {
  Admin admin;
  (void)admin.add("owner@example.com", "owner");
  (void)admin.add("admin@example.com", "administrator");
  const auto as_admin = admin.sign_in("admin@example.com");
  const Headers headers{{"Cookie", as_admin.cookie}, {"X-CSRF-Token", as_admin.csrf}};
  const auto owner = admin.post_json("/api/v1/admin/staff", R"({"email":"o2@example.com","role":"owner"})", headers);
  CHECK(owner.status == 403);
  const auto invited =
      admin.post_json("/api/v1/admin/staff", R"({"email":"new@example.com","name":"New","role":"support"})", headers);
  REQUIRE(invited.status == 201);
  const auto created = boost::json::parse(invited.body);
  CHECK(created.at("staff").at("invited") == true);
  const std::string url(created.at("invitation_url").as_string());
  CHECK_THAT(url, Catch::StartsWith("/invitation?token="));
  CHECK(invited.header("Location") ==
        "/api/v1/admin/staff/" + std::to_string(created.at("staff").at("id").to_number<std::int64_t>()));
  const auto taken = admin.post_json("/api/v1/admin/staff", R"({"email":"NEW@example.com","role":"support"})", headers);
  CHECK(taken.status == 409);
  CHECK(admin.post_json("/api/v1/admin/staff", R"({"email":"x@example.com","role":"root"})", headers).status == 422);

  // The invitation's page sets the password; the member can then sign in.
  const auto token = url.substr(url.find('=') + 1);
  CHECK(admin.get(url).status == 200);
  const auto accepted = ecom::test::fetch(admin.server->port(), "POST", "/invitation",
                                          {{"Content-Type", "application/x-www-form-urlencoded"}},
                                          "token=" + token + "&password=" + "a+long+staff+passphrase");
  CHECK(accepted.status == 303);
  (void)admin.sign_in("new@example.com");
  const auto again = ecom::test::fetch(admin.server->port(), "POST", "/invitation",
                                       {{"Content-Type", "application/x-www-form-urlencoded"}},
                                       "token=" + token + "&password=another+long+passphrase");
  CHECK(again.status == 404);
}

TEST_CASE("admin auth: the sign-in page keeps the email, says what is wrong and returns to the page",
          "[admin][auth][pages]") {
  Admin admin;
  (void)admin.add("ada@example.com", "analyst");
  const Headers form{{"Content-Type", "application/x-www-form-urlencoded"}};
  const auto page = admin.get("/sign-in?next=%2Fproducts");
  REQUIRE(page.status == 200);
  CHECK_THAT(page.body, Catch::Contains("name=\"next\" value=\"/products\""));
  const auto wrong = ecom::test::fetch(admin.server->port(), "POST", "/sign-in", form,
                                       "email=ada%40example.com&password=canary-wrong-password&next=%2Fproducts");
  CHECK(wrong.status == 401);
  CHECK_THAT(wrong.body,
             Catch::Contains("value=\"ada@example.com\"") && Catch::Contains("The email or password is wrong."));
  CHECK_THAT(wrong.body, !Catch::Contains("canary-wrong-password"));
  const auto right = ecom::test::fetch(admin.server->port(), "POST", "/sign-in", form,
                                       "email=ada%40example.com&password=a+long+staff+passphrase&next=%2Fproducts");
  CHECK(right.status == 303);
  CHECK(right.header("Location") == "/products");
  const auto cookie = std::string(right.header("Set-Cookie").value_or(""));
  const auto products = admin.get("/products", {{"Cookie", cookie.substr(0, cookie.find(';'))}});
  CHECK(products.status == 200);
  CHECK_THAT(products.body, Catch::Contains("ada@example.com (analyst)") && Catch::Contains("name=\"csrf_token\""));
  // Another site's form is refused.
  auto cross = form;
  cross.emplace_back("Origin", "https://evil.example");
  CHECK(ecom::test::fetch(admin.server->port(), "POST", "/sign-in", cross,
                          "email=ada%40example.com&password=a+long+staff+passphrase")
            .status == 403);
}

TEST_CASE("admin auth: after signing in, only a path on this site is followed", "[admin][auth]") {
  using ecom::admin::pages::safe_next;
  CHECK(safe_next("/products?q=x") == "/products?q=x");
  CHECK(safe_next("/") == "/");
  for (const auto* bad : {"//evil.example", "/\\evil.example", "https://evil.example", "", "products", "/a\r\nb"}) {
    CAPTURE(bad);
    CHECK(safe_next(bad) == "/");
  }
}

TEST_CASE("admin auth: an API key works within its permissions, without CSRF, until it is revoked", "[admin][auth]") {
  Admin admin;
  (void)admin.add("owner@example.com", "owner");
  const auto owner = admin.sign_in("owner@example.com");
  const Headers as_owner{{"Cookie", owner.cookie}, {"X-CSRF-Token", owner.csrf}};
  const auto make = [&](const std::string& body) { return admin.post_json("/api/v1/admin/api-keys", body, as_owner); };
  CHECK(make(R"({"name":"x","permissions":["catalog.destroy"]})").status == 422);
  CHECK(make(R"({"name":"","permissions":["catalog.read"]})").status == 422);
  CHECK(make(R"({"name":"x","permissions":[]})").status == 422);
  CHECK(make(R"({"name":"x","permissions":"catalog.read"})").status == 400);

  const auto reader = make(R"({"name":"warehouse sync","permissions":["catalog.read"]})");
  REQUIRE(reader.status == 201);
  const auto created = boost::json::parse(reader.body);
  const std::string secret(created.at("secret").as_string());
  CHECK_THAT(secret, Catch::StartsWith("ecomk_"));
  const Headers bearer{{"Authorization", "Bearer " + secret}};
  CHECK(admin.get("/api/v1/admin/products", bearer).status == 200);
  // Outside its permissions: 403, whatever the route; a key needs no CSRF token.
  CHECK(admin.post_json("/api/v1/admin/products", "{}", bearer).status == 403);
  CHECK(admin.get("/api/v1/admin/staff", bearer).status == 403);
  const auto writer = make(R"({"name":"importer","permissions":["catalog.read","catalog.write"]})");
  const Headers writer_bearer{
      {"Authorization", "Bearer " + std::string(boost::json::parse(writer.body).at("secret").as_string())}};
  const auto written = admin.post_json("/api/v1/admin/products", "{}", writer_bearer);
  CHECK(written.status == 400);  // past the guard: the body itself is refused
  CHECK_THAT(written.body, !Catch::Contains("access"));
  // A key cannot make keys.
  CHECK(admin.post_json("/api/v1/admin/api-keys", R"({"name":"y","permissions":["catalog.read"]})", writer_bearer)
            .status == 403);

  // The list shows the last use and never a secret.
  const auto listed = admin.get("/api/v1/admin/api-keys", as_owner);
  REQUIRE(listed.status == 200);
  CHECK(listed.body.find(secret) == std::string::npos);
  const auto items = boost::json::parse(listed.body).at("items").as_array();
  REQUIRE(items.size() == 2);
  const auto& first = items[1].as_object();  // newest first: the reader is the older one
  CHECK(first.at("name") == "warehouse sync");
  CHECK(first.at("last_used_at").is_int64());

  const auto id = std::to_string(created.at("id").to_number<std::int64_t>());
  CHECK(ecom::test::fetch(admin.server->port(), "DELETE", "/api/v1/admin/api-keys/" + id, as_owner).status == 204);
  CHECK(admin.get("/api/v1/admin/products", bearer).status == 401);
  CHECK(ecom::test::fetch(admin.server->port(), "DELETE", "/api/v1/admin/api-keys/" + id, as_owner).status == 404);
  CHECK(admin.get("/api/v1/admin/products", {{"Authorization", "Bearer ecomk_not-a-key"}}).status == 401);
}

TEST_CASE("admin auth: every change is in the audit log with its actor, request and values", "[admin][auth][audit]") {
  Admin admin;
  (void)admin.add("owner@example.com", "owner");
  (void)admin.add("analyst@example.com", "analyst");
  const auto owner = admin.sign_in("owner@example.com");
  const Headers as_owner{{"Cookie", owner.cookie}, {"X-CSRF-Token", owner.csrf}};
  const auto created =
      admin.post_json("/api/v1/admin/products", R"({"slug":"audited-hat","title":"Hat","status":"draft"})", as_owner);
  REQUIRE(created.status == 201);
  const auto id = boost::json::parse(created.body).at("id").to_number<std::int64_t>();
  auto patch_headers = as_owner;
  patch_headers.emplace_back("Content-Type", "application/json");
  patch_headers.emplace_back("If-Match", std::string(*created.header("ETag")));
  const auto renamed = ecom::test::fetch(admin.server->port(), "PATCH", "/api/v1/admin/products/" + std::to_string(id),
                                         patch_headers, R"({"title":"Better hat"})");
  REQUIRE(renamed.status == 200);
  // A refused change leaves nothing.
  CHECK(admin.post_json("/api/v1/admin/products", R"({"slug":"Bad Slug","title":"x"})", as_owner).status == 422);
  // A page's form is audited the same way.
  const auto form = ecom::test::fetch(admin.server->port(), "POST", "/categories",
                                      {{"Cookie", owner.cookie}, {"Content-Type", "application/x-www-form-urlencoded"}},
                                      "csrf_token=" + owner.csrf + "&name=Hats&slug=hats&position=0");
  CHECK(form.status == 303);

  const auto listed = admin.get("/api/v1/admin/audit", as_owner);
  REQUIRE(listed.status == 200);
  const auto items = boost::json::parse(listed.body).at("items").as_array();
  REQUIRE(items.size() == 5);  // the two staff members the test made (by "system"), then three changes
  CHECK(items[0].at("action") == "category.create");
  CHECK(items[0].at("object").at("key") == "hats");
  CHECK(items[1].at("action") == "product.update");
  CHECK(items[1].at("actor").at("name") == "owner@example.com");
  CHECK(items[1].at("actor").at("kind") == "staff");
  CHECK(items[1].at("client") == "127.0.0.1");
  CHECK(items[1].at("request_id").as_string() == *renamed.header("X-Request-Id"));
  CHECK(items[1].at("object").at("id").as_string() == std::to_string(id));
  CHECK(items[1].at("object").at("key") == "audited-hat");
  CHECK(items[1].at("before").at("title") == "Hat");
  CHECK(items[1].at("after").at("title") == "Better hat");
  CHECK(items[2].at("action") == "product.create");
  CHECK(items[2].at("before").is_null());
  CHECK(items[3].at("action") == "staff.create");
  CHECK(items[3].at("actor").at("kind") == "system");
  CHECK(items[3].at("after").as_object().count("password_hash") == 0);

  const auto products = admin.get("/api/v1/admin/audit?object_type=product&object_id=" + std::to_string(id), as_owner);
  CHECK(boost::json::parse(products.body).at("items").as_array().size() == 2);
  CHECK(admin.get("/api/v1/admin/audit?actor=nobody%40example.com", as_owner).body.find("\"items\":[]") !=
        std::string::npos);
  CHECK(admin.get("/api/v1/admin/audit?limit=0", as_owner).status == 400);
  CHECK(admin.get("/api/v1/admin/audit?colour=red", as_owner).status == 400);
  const auto csv = admin.get("/api/v1/admin/audit.csv", as_owner);
  REQUIRE(csv.status == 200);
  CHECK(csv.header("Content-Type") == "text/csv; charset=utf-8");
  CHECK_THAT(csv.body, Catch::StartsWith("seq,at,actor_kind,actor_id,actor,") && Catch::Contains("product.update"));
  // Only owners and administrators read it.
  const auto analyst = admin.sign_in("analyst@example.com");
  CHECK(admin.get("/api/v1/admin/audit", {{"Cookie", analyst.cookie}}).status == 403);
}

TEST_CASE("admin auth: an API key beyond its request rate gets 429 with Retry-After", "[admin][auth]") {
  Admin admin(false, R"("admin":{"api_key_requests_per_minute":2})");
  (void)admin.add("owner@example.com", "owner");
  const auto owner = admin.sign_in("owner@example.com");
  const auto made = admin.post_json("/api/v1/admin/api-keys", R"({"name":"busy","permissions":["catalog.read"]})",
                                    {{"Cookie", owner.cookie}, {"X-CSRF-Token", owner.csrf}});
  REQUIRE(made.status == 201);
  const Headers bearer{
      {"Authorization", "Bearer " + std::string(boost::json::parse(made.body).at("secret").as_string())}};
  CHECK(admin.get("/api/v1/admin/products", bearer).status == 200);
  CHECK(admin.get("/api/v1/admin/products", bearer).status == 200);
  const auto limited = admin.get("/api/v1/admin/products", bearer);
  CHECK(limited.status == 429);
  CHECK(std::stoi(std::string(limited.header("Retry-After").value_or("0"))) >= 1);
  // The staff member's own session is not the key's budget.
  CHECK(admin.get("/api/v1/admin/products", {{"Cookie", owner.cookie}}).status == 200);
}

namespace {

ecom::test::RawResponse post_form(const Admin& admin, const Browser& b, const std::string& target, std::string body) {
  return ecom::test::fetch(admin.server->port(), "POST", target,
                           {{"Cookie", b.cookie}, {"Content-Type", "application/x-www-form-urlencoded"}},
                           "csrf_token=" + b.csrf + "&" + body);
}

}  // namespace

TEST_CASE("admin pages: staff invitations, roles and removal through the staff page", "[admin][auth][pages]") {
  Admin admin;
  (void)admin.add("owner@example.com", "owner");
  const auto owner = admin.sign_in("owner@example.com");
  const auto page = admin.get("/staff", {{"Cookie", owner.cookie}});
  REQUIRE(page.status == 200);
  CHECK_THAT(page.body, Catch::Contains("owner@example.com") && Catch::Contains("href=\"/audit\""));
  const auto invited = post_form(admin, owner, "/staff", "email=%3Cb%3Enew%40example.com&name=New&role=support");
  CHECK(invited.status == 422);  // not an email address; and what it says is escaped
  CHECK_THAT(invited.body, !Catch::Contains("<b>new"));
  const auto made = post_form(admin, owner, "/staff", "email=new%40example.com&name=New&role=support");
  REQUIRE(made.status == 303);
  const auto shown = admin.get(std::string(*made.header("Location")), {{"Cookie", owner.cookie}});
  CHECK_THAT(shown.body, Catch::Contains("/invitation?token="));
  const auto members = admin.staff.list();
  REQUIRE(members.size() == 2);
  const auto id = std::to_string(members[1].id);
  CHECK(post_form(admin, owner, "/staff/" + id, "role=analyst&active=on").status == 303);
  CHECK(admin.staff.get(members[1].id).role == "analyst");
  CHECK(post_form(admin, owner, "/staff/" + id, "role=analyst").status == 303);  // unchecked: disabled
  CHECK_FALSE(admin.staff.get(members[1].id).active);
  // The last owner stays: the page says so instead of changing it.
  const auto last = post_form(admin, owner, "/staff/" + std::to_string(members[0].id), "role=support&active=on");
  CHECK(last.status == 409);
  CHECK_THAT(last.body, Catch::Contains("at least one active owner"));
  CHECK(post_form(admin, owner, "/staff/" + id + "/delete", "").status == 303);
  CHECK(admin.staff.list().size() == 1);
  // Without the CSRF token: refused.
  CHECK(ecom::test::fetch(admin.server->port(), "POST", "/staff",
                          {{"Cookie", owner.cookie}, {"Content-Type", "application/x-www-form-urlencoded"}},
                          "email=x%40example.com&role=support")
            .status == 403);
}

TEST_CASE("admin pages: an API key made on its page shows its secret once and can be revoked", "[admin][auth][pages]") {
  Admin admin;
  (void)admin.add("owner@example.com", "owner");
  const auto owner = admin.sign_in("owner@example.com");
  const auto made = post_form(admin, owner, "/api-keys", "name=Warehouse&permission=catalog.read");
  REQUIRE(made.status == 201);
  const auto at = made.body.find("ecomk_");
  REQUIRE(at != std::string::npos);
  const auto secret = made.body.substr(at, made.body.find('<', at) - at);
  CHECK(admin.get("/api/v1/admin/products", {{"Authorization", "Bearer " + secret}}).status == 200);
  const auto listed = admin.get("/api-keys", {{"Cookie", owner.cookie}});
  CHECK_THAT(listed.body, Catch::Contains("Warehouse") && !Catch::Contains(secret));
  CHECK(post_form(admin, owner, "/api-keys", "name=Nothing").status == 422);
  const auto keys = boost::json::parse(admin.get("/api/v1/admin/api-keys", {{"Cookie", owner.cookie}}).body);
  const auto id = std::to_string(keys.at("items").at(0).at("id").to_number<std::int64_t>());
  CHECK(post_form(admin, owner, "/api-keys/" + id + "/revoke", "").status == 303);
  CHECK(admin.get("/api/v1/admin/products", {{"Authorization", "Bearer " + secret}}).status == 401);
}

TEST_CASE("admin pages: the audit page lists changes, escaped, and the navigation follows the role",
          "[admin][auth][pages]") {
  Admin admin;
  (void)admin.add("owner@example.com", "owner");
  (void)admin.add("clerk@example.com", "support");
  const auto owner = admin.sign_in("owner@example.com");
  CHECK(post_form(admin, owner, "/categories", "name=%3Cscript%3Ex%3C%2Fscript%3E&slug=evil&position=0").status == 303);
  const auto page = admin.get("/audit?object_type=category", {{"Cookie", owner.cookie}});
  REQUIRE(page.status == 200);
  CHECK_THAT(page.body, Catch::Contains("category.create") && Catch::Contains("owner@example.com"));
  CHECK_THAT(page.body, !Catch::Contains("<script>x</script>"));
  CHECK_THAT(page.body, !Catch::Contains("staff.create"));  // filtered out
  const auto clerk = admin.sign_in("clerk@example.com");
  const auto products = admin.get("/products", {{"Cookie", clerk.cookie}});
  REQUIRE(products.status == 200);
  CHECK_THAT(products.body, !Catch::Contains("href=\"/audit\"") && !Catch::Contains("href=\"/staff\""));
  CHECK(admin.get("/audit", {{"Cookie", clerk.cookie}}).status == 403);
}

TEST_CASE("admin pages: staff find a customer, disable the account (signed out, no sign-in) and erase it",
          "[admin][auth][pages]") {
  Admin admin;
  (void)admin.add("support@example.com", "support");
  (void)admin.add("analyst@example.com", "analyst");
  identity::CustomerService customers(admin.db, admin.hasher, admin.cache);
  (void)customers.register_customer({"Shopper@Example.com", "shopper password", "<i>Shopper</i>"}, "");
  (void)customers.register_customer({"other@example.com", "other password!", "Other"}, "");
  const auto session = customers.sign_in("shopper@example.com", "shopper password", "");
  const auto support = admin.sign_in("support@example.com");
  const auto found = admin.get("/customers?q=SHOPPER", {{"Cookie", support.cookie}});
  REQUIRE(found.status == 200);
  CHECK_THAT(found.body, Catch::Contains("shopper@example.com") && !Catch::Contains("other@example.com"));
  CHECK_THAT(found.body, !Catch::Contains("<i>Shopper</i>") && Catch::Contains("&lt;i&gt;Shopper"));
  CHECK_THAT(admin.get("/customers?q=%25", {{"Cookie", support.cookie}}).body, !Catch::Contains("shopper@"));
  const auto id = std::to_string(session.customer.id);
  CHECK(admin.get("/customers/" + id, {{"Cookie", support.cookie}}).status == 200);
  CHECK(admin.get("/customers/999999", {{"Cookie", support.cookie}}).status == 404);

  CHECK(post_form(admin, support, "/customers/" + id + "/state", "disabled=true").status == 303);
  CHECK_FALSE(customers.authenticate(session.token).has_value());
  CHECK_THROWS_AS(customers.sign_in("shopper@example.com", "shopper password", ""), ecom::core::Error);
  CHECK(post_form(admin, support, "/customers/" + id + "/state", "disabled=false").status == 303);
  CHECK_NOTHROW((void)customers.sign_in("shopper@example.com", "shopper password", ""));

  // Analysts look, never change.
  const auto analyst = admin.sign_in("analyst@example.com");
  CHECK(admin.get("/customers/" + id, {{"Cookie", analyst.cookie}}).status == 200);
  CHECK(post_form(admin, analyst, "/customers/" + id + "/state", "disabled=true").status == 403);

  CHECK(post_form(admin, support, "/customers/" + id + "/erase", "confirm=yes").status == 422);
  CHECK(post_form(admin, support, "/customers/" + id + "/erase", "confirm=ERASE").status == 303);
  CHECK(admin.get("/customers/" + id, {{"Cookie", support.cookie}}).status == 404);
  CHECK_THROWS_AS(customers.sign_in("shopper@example.com", "shopper password", ""), ecom::core::Error);
  // The audit log has the disabling with its actor, and the erasure without the person's email.
  const auto entries = ecom::audit::list(admin.db, {});
  REQUIRE(entries.size() >= 4);
  CHECK(entries[0].action == "customer.erase");
  CHECK(entries[0].object_key.empty());
  CHECK(entries[0].actor.name == "support@example.com");
}
