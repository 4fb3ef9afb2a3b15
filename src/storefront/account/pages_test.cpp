// The account pages over HTTP, on the storefront's real router with the repository's templates and
// a migrated SQLite shop: plain form posts as a browser without JavaScript sends them, the session
// cookie kept between requests like a browser keeps it.
#include "account/pages.hpp"

#include "app.hpp"
#include "catalog/test_catalog.hpp"
#include "http_client.hpp"
#include "smtp_server.hpp"
#include "test_server.hpp"

#include <ecom/cache/local_cache.hpp>
#include <ecom/identity/customers.hpp>
#include <ecom/mail/mailer.hpp>
#include <ecom/platform/http/query.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace ecom;

namespace {

using Form = std::vector<std::pair<std::string, std::string>>;
constexpr std::string_view kPassword = "correct horse battery";

bool has(const std::string& body, std::string_view text) {
  return body.find(text) != std::string::npos;
}

// The value of the first hidden csrf_token field of a page.
std::string csrf_in(const std::string& body) {
  const std::string marker = R"(name="csrf_token" value=")";
  const auto at = body.find(marker);
  REQUIRE(at != std::string::npos);
  const auto start = at + marker.size();
  return body.substr(start, body.find('"', start) - start);
}

identity::CustomerOptions options(mail::Mailer& mailer) {
  identity::CustomerOptions o;
  o.throttle.failures_before_lock = 3;
  o.mail.mailer = &mailer;
  o.mail.base_url = "https://shop.example";
  return o;
}

mail::SmtpOptions mail_options(const test::SmtpServer& smtp) {
  mail::SmtpOptions o;
  o.url = smtp.url();
  return o;
}

// A shop with one product, the identity services and the storefront's whole router.
class AccountShop {
 public:
  explicit AccountShop(identity::HashingOptions hashing = {})
      : hasher_(hashing),
        mailer_(mail_options(smtp_)),
        customers_(catalog_.database(), hasher_, cache_, options(mailer_)),
        addresses_(catalog_.database()),
        accounts_{customers_, addresses_},
        server_(storefront::make_router(
            storefront::Settings{"Demo Shop", "EUR", ECOM_SOURCE_DIR "/web", "/static", "https://shop.example",
                                 "/media", ECOM_SOURCE_DIR "/web/storefront/templates"},
            http::StaticFiles::load(ECOM_SOURCE_DIR "/web", "/static"), seed(catalog_),
            web::Templates::load(ECOM_SOURCE_DIR "/web/storefront/templates"), &accounts_)) {}

  [[nodiscard]] std::uint16_t port() const noexcept { return server_.port(); }
  [[nodiscard]] identity::PasswordHasher& hasher() noexcept { return hasher_; }
  // The path and query of the link in the n-th email (from 1) that starts with https://shop.example + path.
  [[nodiscard]] std::string link(std::size_t n, const std::string& path) const {
    const auto got = smtp_.wait_for(n);
    REQUIRE(got.size() >= n);
    const auto body = got[n - 1].body();
    const auto at = body.find("https://shop.example" + path + "?token=");
    REQUIRE(at != std::string::npos);
    const auto start = at + std::string("https://shop.example").size();
    return body.substr(start, body.find_first_of("\r\n", start) - start);
  }

 private:
  static catalog::CatalogService& seed(storefront::test::TestCatalog& catalog) {
    catalog::NewProduct tea;
    tea.slug = "tea";
    tea.title = "Green tea";
    tea.status = catalog::ProductStatus::active;
    const auto id = catalog.writer().create_product(tea);
    catalog::NewVariant v;
    v.sku = "TEA-1";
    v.title = "100 g";
    v.price = catalog::Money{450, "EUR"};
    v.on_hand = 5;
    catalog.writer().add_variant(id, v);
    return catalog.service();
  }

  storefront::test::TestCatalog catalog_;
  cache::LocalCache cache_{cache::LocalCacheOptions{}};
  identity::PasswordHasher hasher_;
  test::SmtpServer smtp_;
  mail::SmtpMailer mailer_;
  identity::CustomerService customers_;
  identity::AddressBook addresses_;
  storefront::AccountServices accounts_;
  test::TestServer server_;
};

// A browser without JavaScript: it keeps the session cookie and sends forms url-encoded.
class Browser {
 public:
  explicit Browser(const AccountShop& shop) : port_(shop.port()) {}

  test::RawResponse get(std::string_view target) { return keep(test::fetch(port_, "GET", target, headers())); }
  test::RawResponse post(std::string_view target, const Form& form) {
    auto h = headers();
    h.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return keep(test::fetch(port_, "POST", target, h, http::build_query(form)));
  }
  // The CSRF token of the session, read from a page as a form would carry it.
  std::string csrf() { return csrf_in(get("/account").body); }

  test::RawResponse sign_up(const std::string& email, const std::string& name) {
    return post("/account/sign-up", {{"name", name}, {"email", email}, {"password", std::string(kPassword)}});
  }
  test::RawResponse sign_in(const std::string& email, std::string_view password = kPassword,
                            const std::string& next = "") {
    Form form{{"email", email}, {"password", std::string(password)}};
    if (!next.empty()) {
      form.emplace_back("next", next);
    }
    return post("/account/sign-in", form);
  }
  void join(const std::string& email, const std::string& name) {
    REQUIRE(sign_up(email, name).status == 303);
    REQUIRE(sign_in(email).status == 303);
    REQUIRE_FALSE(cookie_.empty());
  }
  [[nodiscard]] const std::string& cookie() const noexcept { return cookie_; }
  void set_cookie(std::string cookie) { cookie_ = std::move(cookie); }

 private:
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> headers() const {
    if (cookie_.empty()) {
      return {};
    }
    return {{"Cookie", cookie_}};
  }
  test::RawResponse keep(test::RawResponse res) {
    if (const auto set = res.header("Set-Cookie")) {
      cookie_ = has(*set, "Max-Age=0") ? std::string() : set->substr(0, set->find(';'));
    }
    return res;
  }
  std::uint16_t port_;
  std::string cookie_;
};

std::string location(const test::RawResponse& res) {
  return res.header("Location").value_or("");
}

}  // namespace

TEST_CASE("account pages: sign up, sign in, and every page's header shows who is signed in", "[storefront][pages]") {
  AccountShop shop;
  Browser browser(shop);
  const auto form = browser.get("/account/sign-up");
  REQUIRE(form.status == 200);
  CHECK(has(form.body, R"(<form class="account" action="/account/sign-up" method="post">)"));
  CHECK(has(form.body, R"(<a href="/account/sign-in">Sign in</a>)"));
  CHECK(form.header("Cache-Control") == "no-store");

  // Signing up says the same whether or not the address was free: on to the sign-in page.
  const auto up = browser.sign_up("Ada@Example.com", "Ada Lovelace");
  CHECK(up.status == 303);
  CHECK(location(up) == "/account/sign-in?done=signed-up&next=%2Faccount");
  CHECK_FALSE(up.header("Set-Cookie"));
  CHECK(browser.sign_up("ada@example.com", "Someone Else").status == 303);
  CHECK(has(browser.get(location(up)).body, "Thank you for signing up."));

  const auto in = browser.sign_in("ada@example.com");
  CHECK(in.status == 303);
  CHECK(location(in) == "/account");
  CHECK(in.header("Set-Cookie")->starts_with("__Host-ecom_session="));
  const auto account = browser.get("/account");
  REQUIRE(account.status == 200);
  CHECK(has(account.body, "<dd>ada@example.com</dd>"));

  for (const auto* target : {"/", "/p/tea", "/search?q=tea", "/account", "/p/no-such-product"}) {
    CAPTURE(target);
    const auto page = browser.get(target);
    CHECK(has(page.body, R"(Signed in as <a href="/account">Ada Lovelace</a>)"));
    CHECK(has(page.body, R"(<form class="sign-out" action="/account/sign-out" method="post">)"));
    CHECK_FALSE(has(page.body, R"(<a href="/account/sign-up">)"));
    CHECK(page.header("Cache-Control") != "no-cache");  // private to the customer, or no-store
  }
  // Signed out, the same pages (a product page from the cache too) show the links, never a name.
  Browser stranger(shop);
  for (int round = 0; round < 2; ++round) {
    for (const auto* target : {"/", "/p/tea"}) {
      const auto page = stranger.get(target);
      CHECK(page.status == 200);
      CHECK(has(page.body, R"(<a href="/account/sign-in">Sign in</a>)"));
      CHECK_FALSE(has(page.body, "Ada Lovelace"));
    }
  }
  CHECK(has(browser.get("/p/tea").body, "Ada Lovelace"));  // a cached product page is not hers
}

TEST_CASE("account pages: a failed form keeps what was typed, never the password, with the error by its field",
          "[storefront][pages]") {
  AccountShop shop;
  Browser browser(shop);
  const auto weak =
      browser.post("/account/sign-up", {{"name", "Ada"}, {"email", "ada@example.com"}, {"password", "tiny7"}});
  CHECK(weak.status == 422);
  CHECK(has(weak.body, R"(value="ada@example.com")"));
  CHECK(has(weak.body, R"(value="Ada")"));
  CHECK_FALSE(has(weak.body, "tiny7"));
  CHECK(has(weak.body, R"(aria-describedby="f-password-error">)"));
  CHECK(has(weak.body, R"(<span class="field-error" id="f-password-error">Must be at least 8 characters.</span>)"));

  const auto bad_email = browser.post(
      "/account/sign-up", {{"name", "Ada"}, {"email", "not-an-email"}, {"password", std::string(kPassword)}});
  CHECK(bad_email.status == 422);
  CHECK(has(bad_email.body, R"(id="f-email-error">Must be an email address)"));
  CHECK(has(bad_email.body, R"(value="not-an-email")"));
  CHECK_FALSE(has(bad_email.body, kPassword));

  REQUIRE(browser.sign_up("ada@example.com", "Ada").status == 303);
  const auto wrong = browser.sign_in("ada@example.com", "wrong password here", "/p/tea");
  CHECK(wrong.status == 401);
  CHECK(has(wrong.body, R"(value="ada@example.com")"));
  CHECK(has(wrong.body, R"(<span class="field-error" id="f-password-error">The email or password is wrong.</span>)"));
  CHECK(has(wrong.body, R"(<input type="hidden" name="next" value="/p/tea">)"));
  CHECK_FALSE(has(wrong.body, "wrong password here"));
  CHECK_FALSE(wrong.header("Set-Cookie"));

  // A malformed form is a readable 400 page, not a crash; a JSON body is refused.
  CHECK(browser.post("/account/sign-in", {{"email", "a"}, {"admin", "1"}}).status == 400);
  const auto json = test::fetch(shop.port(), "POST", "/account/sign-in", {{"Content-Type", "application/json"}},
                                R"({"email": "ada@example.com"})");
  CHECK(json.status == 415);
  CHECK(json.header("Content-Type") == "text/html; charset=utf-8");
}

TEST_CASE("account pages: a locked sign-in is a readable 429 page with Retry-After", "[storefront][pages]") {
  AccountShop shop;
  Browser browser(shop);
  REQUIRE(browser.sign_up("ada@example.com", "Ada").status == 303);
  for (int i = 0; i < 3; ++i) {
    CHECK(browser.sign_in("ada@example.com", "wrong password here").status == 401);
  }
  const auto locked = browser.sign_in("ada@example.com");  // the right password, still locked
  CHECK(locked.status == 429);
  CHECK(locked.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(std::stoi(locked.header("Retry-After").value_or("0")) > 0);
  CHECK(has(locked.body, R"(<p class="form-error" role="alert">)"));
  CHECK(has(locked.body, R"(value="ada@example.com")"));
  CHECK_FALSE(locked.header("Set-Cookie"));
}

TEST_CASE("account pages: full hashing slots are a readable 503 page with Retry-After", "[storefront][pages]") {
  // One slot, no queue, and a hash slow enough (about a second) to hold the slot while the
  // sign-in arrives: the sign-in's own hash finds no room.
  identity::HashingOptions slow;
  slow.passes = 100;
  slow.slots = 1;
  slow.queue = 0;
  slow.max_wait = std::chrono::milliseconds(0);
  AccountShop shop(slow);
  std::thread busy([&shop] { (void)shop.hasher().hash("a slow hash holding the only slot"); });
  while (shop.hasher().load().running == 0) {
    std::this_thread::yield();
  }
  Browser browser(shop);
  const auto res = browser.sign_in("ada@example.com");
  busy.join();
  CHECK(res.status == 503);
  CHECK(res.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(std::stoi(res.header("Retry-After").value_or("0")) > 0);
  CHECK(has(res.body, R"(<p class="form-error" role="alert">So many people are signing in)"));
  CHECK(has(res.body, R"(value="ada@example.com")"));
}

TEST_CASE("account pages: a sign-in form posted from another site is refused", "[storefront][pages]") {
  AccountShop shop;
  Browser browser(shop);
  REQUIRE(browser.sign_up("ada@example.com", "Ada").status == 303);
  const auto body = http::build_query({{"email", "ada@example.com"}, {"password", std::string(kPassword)}});
  for (const auto* site : {"cross-site", "same-origin"}) {
    CAPTURE(site);
    const auto res =
        test::fetch(shop.port(), "POST", "/account/sign-in",
                    {{"Content-Type", "application/x-www-form-urlencoded"}, {"Sec-Fetch-Site", site}}, body);
    const bool cross = std::string_view(site) == "cross-site";
    CHECK(res.status == (cross ? 403 : 303));
    CHECK(res.header("Set-Cookie").has_value() == !cross);
  }
}

TEST_CASE("account pages: a form a cookie authenticates needs the csrf_token field, else a 403 page",
          "[storefront][pages]") {
  AccountShop shop;
  Browser browser(shop);
  browser.join("ada@example.com", "Ada");
  const auto token = browser.csrf();
  for (const Form& form : {Form{}, Form{{"csrf_token", token + "0"}}, Form{{"csrf_token", ""}}}) {
    const auto refused = browser.post("/account/sign-out", form);
    CHECK(refused.status == 403);
    CHECK(refused.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(has(refused.body, "did not come from this shop"));
    auto renamed = form;
    renamed.emplace_back("name", "Mallory");
    CHECK(browser.post("/account/profile", renamed).status == 403);
  }
  // Nothing changed: still signed in, still Ada.
  CHECK(has(browser.get("/account").body, "<dd>Ada</dd>"));
  // The same single check serves the JSON API: the form field is as good as X-CSRF-Token there.
  const auto api = test::fetch(shop.port(), "GET", "/api/v1/me", {{"Cookie", browser.cookie()}});
  CHECK(api.status == 200);

  const auto out = browser.post("/account/sign-out", {{"csrf_token", token}});
  CHECK(out.status == 303);
  CHECK(location(out) == "/");
  CHECK(browser.cookie().empty());
  CHECK(has(browser.get("/").body, R"(<a href="/account/sign-in">Sign in</a>)"));
}

TEST_CASE("account API: the CSRF form field is accepted by the one check the API uses", "[storefront][pages]") {
  AccountShop shop;
  Browser browser(shop);
  browser.join("ada@example.com", "Ada");
  const auto token = browser.csrf();
  const Form wrong{{"csrf_token", token + "0"}};
  const std::vector<std::pair<std::string, std::string>> headers{{"Cookie", browser.cookie()},
                                                                 {"Content-Type", "application/x-www-form-urlencoded"}};
  CHECK(test::fetch(shop.port(), "POST", "/api/v1/auth/logout", headers, http::build_query(wrong)).status == 403);
  CHECK(test::fetch(shop.port(), "POST", "/api/v1/auth/logout", headers, "csrf_token=" + token).status == 204);
  CHECK(browser.get("/account").status == 303);
}

TEST_CASE("account pages: signed out, a page sends to the sign-in page with a safe next", "[storefront][pages]") {
  AccountShop shop;
  Browser browser(shop);
  for (const auto* target : {"/account", "/account/profile", "/account/addresses", "/account/password"}) {
    CAPTURE(target);
    const auto res = browser.get(target);
    CHECK(res.status == 303);
    CHECK(location(res) == "/account/sign-in?next=" + http::encode_component(target));
  }
  // A made-up or ended session is no session.
  browser.set_cookie("__Host-ecom_session=made-up");
  CHECK(location(browser.get("/account/addresses/new")) == "/account/sign-in?next=%2Faccount%2Faddresses%2Fnew");
  CHECK(location(browser.post("/account/profile", {{"name", "x"}})) == "/account/sign-in");
  browser.set_cookie("");

  const auto page = browser.get("/account/sign-in?next=%2Faccount%2Faddresses");
  CHECK(has(page.body, R"(<input type="hidden" name="next" value="/account/addresses">)"));
  REQUIRE(browser.sign_up("ada@example.com", "Ada").status == 303);
  const auto in = browser.sign_in("ada@example.com", kPassword, "/account/addresses");
  CHECK(in.status == 303);
  CHECK(location(in) == "/account/addresses");
}

TEST_CASE("account pages: next that leaves the site goes to /account instead", "[storefront][pages]") {
  AccountShop shop;
  Browser browser(shop);
  REQUIRE(browser.sign_up("ada@example.com", "Ada").status == 303);
  for (const auto* evil : {"//evil.example", "https://evil.example", "/\\evil.example", "\\\\evil.example",
                           "javascript:alert(1)", "evil.example", "/ok\r\nSet-Cookie: x=1", "///evil.example"}) {
    CAPTURE(evil);
    CHECK(storefront::account::safe_next(evil) == "/account");
    const auto page = browser.get("/account/sign-in?next=" + http::encode_component(evil));
    CHECK(has(page.body, R"(<input type="hidden" name="next" value="/account">)"));
    const auto in = browser.sign_in("ada@example.com", kPassword, evil);
    CHECK(in.status == 303);
    CHECK(location(in) == "/account");
  }
  CHECK(storefront::account::safe_next("/p/tea?variant=2") == "/p/tea?variant=2");
  CHECK(storefront::account::safe_next("") == "/account");
}

TEST_CASE("account pages: the address book through its forms", "[storefront][pages]") {
  AccountShop shop;
  Browser browser(shop);
  browser.join("ada@example.com", "Ada");
  const auto token = browser.csrf();
  CHECK(has(browser.get("/account/addresses").body, "You have no saved addresses yet."));
  const Form address{{"csrf_token", token}, {"name", "Ada Lovelace"},    {"line1", "12 St James's Square"},
                     {"city", "London"},    {"postal_code", "SW1Y 4JH"}, {"country", "gb"}};
  const auto added = browser.post("/account/addresses/new", address);
  CHECK(added.status == 303);
  CHECK(location(added) == "/account/addresses?done=added");
  const auto list = browser.get(location(added));
  CHECK(has(list.body, "The address is added."));
  CHECK(has(list.body, "<address>Ada Lovelace\n12 St James&apos;s Square\nSW1Y 4JH London\nGB</address>"));
  const auto edit_at = list.body.find("/account/addresses/");
  REQUIRE(edit_at != std::string::npos);
  const auto edit_url = list.body.substr(edit_at, list.body.find('"', edit_at) - edit_at);
  REQUIRE(edit_url.ends_with("/edit"));
  const auto delete_url = edit_url.substr(0, edit_url.size() - 4) + "delete";

  const auto form = browser.get(edit_url);
  CHECK(form.status == 200);
  CHECK(has(form.body, R"(name="city" type="text" value="London")"));
  auto changed = address;
  changed[3].second = "Paris";
  changed[5].second = "France";
  const auto invalid = browser.post(edit_url, changed);
  CHECK(invalid.status == 422);
  CHECK(has(invalid.body, R"(id="f-country-error">Must be an ISO 3166-1 alpha-2 code such as DE.)"));
  CHECK(has(invalid.body, R"(value="Paris")"));
  CHECK(has(browser.get("/account/addresses").body, "London"));  // unchanged
  changed[5].second = "FR";
  CHECK(location(browser.post(edit_url, changed)) == "/account/addresses?done=saved");
  CHECK(has(browser.get("/account/addresses").body, "SW1Y 4JH Paris\nFR"));

  const auto missing_city =
      browser.post("/account/addresses/new", {{"csrf_token", token}, {"name", "B"}, {"line1", "x"}, {"country", "DE"}});
  CHECK(missing_city.status == 422);
  CHECK(has(missing_city.body, R"(id="f-city-error">This field is required.)"));

  CHECK(location(browser.post(delete_url, {{"csrf_token", token}})) == "/account/addresses?done=deleted");
  CHECK(has(browser.get("/account/addresses").body, "You have no saved addresses yet."));
  CHECK(browser.get(edit_url).status == 404);
}

TEST_CASE("account pages: another customer's address is a 404 page, exactly like a missing one",
          "[storefront][pages]") {
  AccountShop shop;
  Browser ada(shop);
  ada.join("ada@example.com", "Ada");
  REQUIRE(
      ada.post(
             "/account/addresses/new",
             {{"csrf_token", ada.csrf()}, {"name", "Ada"}, {"line1", "1 Road"}, {"city", "London"}, {"country", "GB"}})
          .status == 303);
  const auto list = ada.get("/account/addresses").body;
  const auto at = list.find("/account/addresses/");
  const auto id = list.substr(at + 19, list.find('/', at + 19) - at - 19);

  Browser bob(shop);
  bob.join("bob@example.com", "Bob");
  const auto token = bob.csrf();
  const auto missing = bob.get("/account/addresses/999999/edit");
  CHECK(missing.status == 404);
  CHECK(has(missing.body, "No such address."));
  const auto theirs = bob.get("/account/addresses/" + id + "/edit");
  CHECK(theirs.status == 404);
  CHECK(theirs.body == missing.body);
  CHECK(bob.get("/account/addresses/abc/edit").body == missing.body);
  const Form change{{"csrf_token", token}, {"name", "Bob"}, {"line1", "2 Road"}, {"city", "Leeds"}, {"country", "GB"}};
  CHECK(bob.post("/account/addresses/" + id + "/edit", change).body ==
        bob.post("/account/addresses/999999/edit", change).body);
  CHECK(bob.post("/account/addresses/" + id + "/edit", change).status == 404);
  CHECK(bob.post("/account/addresses/" + id + "/delete", {{"csrf_token", token}}).status == 404);
  CHECK(bob.post("/account/addresses/" + id + "/delete", {{"csrf_token", token}}).body ==
        bob.post("/account/addresses/999999/delete", {{"csrf_token", token}}).body);
  // Ada's address is untouched.
  CHECK(has(ada.get("/account/addresses").body, "Ada\n1 Road\nLondon\nGB"));
}

TEST_CASE("account pages: a hostile name is escaped everywhere it is shown", "[storefront][pages]") {
  AccountShop shop;
  Browser browser(shop);
  browser.join("ada@example.com", "<script>alert(1)</script>");
  for (const auto* target : {"/", "/account", "/account/profile", "/p/tea"}) {
    CAPTURE(target);
    const auto page = browser.get(target);
    CHECK_FALSE(has(page.body, "<script>alert"));
    CHECK(has(page.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  }
  const auto renamed =
      browser.post("/account/profile", {{"csrf_token", browser.csrf()}, {"name", R"("><img src=x onerror=alert(2)>)"}});
  CHECK(location(renamed) == "/account?done=profile");
  const auto profile = browser.get("/account/profile");
  CHECK_FALSE(has(profile.body, "<img src=x"));
  CHECK(has(profile.body, R"(value="&quot;&gt;&lt;img src=x onerror=alert(2)&gt;")"));
}

TEST_CASE("account pages: the password changes with the current one, and only this browser stays signed in",
          "[storefront][pages]") {
  AccountShop shop;
  Browser browser(shop);
  browser.join("ada@example.com", "Ada");
  Browser other(shop);
  REQUIRE(other.sign_in("ada@example.com").status == 303);
  const auto token = browser.csrf();
  const auto wrong = browser.post(
      "/account/password",
      {{"csrf_token", token}, {"current_password", "not it at all"}, {"new_password", "a brand new passphrase"}});
  CHECK(wrong.status == 401);
  CHECK(has(wrong.body, R"(id="f-current_password-error">The )"));
  CHECK_FALSE(has(wrong.body, "a brand new passphrase"));
  const auto weak =
      browser.post("/account/password",
                   {{"csrf_token", token}, {"current_password", std::string(kPassword)}, {"new_password", "short"}});
  CHECK(weak.status == 422);
  CHECK(has(weak.body, R"(id="f-new_password-error">Must be at least 8 characters.)"));

  const auto old_cookie = browser.cookie();
  const auto changed = browser.post("/account/password", {{"csrf_token", token},
                                                          {"current_password", std::string(kPassword)},
                                                          {"new_password", "a brand new passphrase"}});
  CHECK(changed.status == 303);
  CHECK(location(changed) == "/account?done=password");
  CHECK(browser.cookie() != old_cookie);
  CHECK(has(browser.get(location(changed)).body, "Your password is changed."));
  CHECK(other.get("/account").status == 303);  // every other session ended
  CHECK(other.sign_in("ada@example.com").status == 401);
  CHECK(other.sign_in("ada@example.com", "a brand new passphrase").status == 303);

  // Sign out everywhere ends both.
  CHECK(location(browser.post("/account/sign-out-everywhere", {{"csrf_token", browser.csrf()}})) == "/");
  CHECK(other.get("/account").status == 303);
  CHECK(browser.get("/account").status == 303);
}

TEST_CASE("account pages: forgot the password, the emailed link, a new password, and sign in with it",
          "[storefront][pages][reset]") {
  AccountShop shop;
  Browser browser(shop);
  browser.join("ada@example.com", "Ada");
  Browser other(shop);
  const auto sign_in = other.get("/account/sign-in");
  CHECK(has(sign_in.body, R"(<a href="/account/forgot-password">Forgot your password?</a>)"));
  REQUIRE(other.get("/account/forgot-password").status == 200);
  // A malformed address stays in the form with its error; a good one goes on, known or not.
  const auto bad = other.post("/account/forgot-password", {{"email", "ada at example"}});
  CHECK(bad.status == 422);
  CHECK(has(bad.body, R"(value="ada at example")"));
  const auto unknown = other.post("/account/forgot-password", {{"email", "nobody@example.com"}});
  const auto known = other.post("/account/forgot-password", {{"email", "ada@example.com"}});
  CHECK(unknown.status == 303);
  CHECK(location(unknown) == location(known));
  CHECK(has(other.get(location(known)).body, "If an account has this email address, we have sent it a link"));

  const auto link = shop.link(2, "/account/reset-password");  // the first email was the verification link
  const auto page = other.get(link);
  REQUIRE(page.status == 200);
  CHECK(page.header("Referrer-Policy") == "no-referrer");
  const auto token = link.substr(link.find('=') + 1);
  CHECK(has(page.body, R"(<input type="hidden" name="token" value=")" + token + R"(">)"));
  const auto weak = other.post("/account/reset-password", {{"token", token}, {"password", "short"}});
  CHECK(weak.status == 422);
  CHECK(has(weak.body, R"(name="token" value=")" + token + R"(")"));  // kept for the next try
  const auto done = other.post("/account/reset-password", {{"token", token}, {"password", "a new passphrase"}});
  CHECK(done.status == 303);
  CHECK(location(done) == "/account/sign-in?done=reset");
  const auto again = other.post("/account/reset-password", {{"token", token}, {"password", "a new passphrase"}});
  CHECK(again.status == 410);
  CHECK(has(again.body, "This link has expired or was already used."));
  // The old browser is signed out; the new password works.
  CHECK(browser.get("/account").status == 303);
  CHECK(other.sign_in("ada@example.com", "a new passphrase").status == 303);
  CHECK(browser.sign_in("ada@example.com").status == 401);
}

TEST_CASE("account pages: verify the email from the overview's link, and send it again",
          "[storefront][pages][verify]") {
  AccountShop shop;
  Browser browser(shop);
  browser.join("ada@example.com", "Ada");
  auto overview = browser.get("/account");
  CHECK(has(overview.body, "Verify your email"));
  // Sending the link again is a form the cookie authenticates: CSRF applies.
  CHECK(browser.post("/account/verify-email/send", {}).status == 403);
  const auto sent = browser.post("/account/verify-email/send", {{"csrf_token", browser.csrf()}});
  CHECK(sent.status == 303);
  CHECK(has(browser.get(location(sent)).body, "We have sent you a new link."));
  const auto link = shop.link(2, "/account/verify-email");
  // Opening the link changes nothing yet: it shows a button.
  const auto page = browser.get(link);
  REQUIRE(page.status == 200);
  CHECK(has(browser.get("/account").body, "Verify your email"));
  const auto token = link.substr(link.find('=') + 1);
  const auto done = browser.post("/account/verify-email", {{"token", token}});
  CHECK(done.status == 303);
  overview = browser.get(location(done));
  CHECK(has(overview.body, "your email address is confirmed"));
  CHECK_FALSE(has(overview.body, "Verify your email"));
  CHECK(browser.post("/account/verify-email", {{"token", token}}).status == 410);
}
