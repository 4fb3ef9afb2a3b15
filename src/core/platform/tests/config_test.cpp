#include "temp_dir.hpp"

#include <ecom/platform/config.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <string>

using Catch::Matchers::Contains;
using ecom::config::Config;
using ecom::config::ConfigError;
using ecom::config::Environment;
using ecom::config::Schema;

namespace {

Schema test_schema() {
  Schema schema;
  schema.integer("http.port", 8080, 1, 65535, "TCP port to listen on")
      .boolean("http.access_log", true, "Write one log line per request")
      .string("log.level", "info", "Minimum level written", {"debug", "info", "warn", "error"})
      .string("site.name", "Shop", "Shown in page titles")
      .string_list("http.trusted_proxies", {"127.0.0.1"}, "Proxies whose X-Forwarded-For is believed")
      .secret("db.password", "Database password");
  return schema;
}

Environment env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

const Environment kNoEnv = env_of({});

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("expected a ConfigError");
  return {};
}

std::string parse_error(std::string_view json, const Environment& env = kNoEnv) {
  return error_of([&] { (void)Config::parse(test_schema(), json, "config/storefront.json", env); });
}

// A config file in a scratch folder, both removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(std::string_view contents) { std::ofstream(path_) << contents; }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  ecom::test::TempDir dir_{"ecom-config-test"};
  std::filesystem::path path_ = dir_ / "config.json";
};

}  // namespace

TEST_CASE("env_name upper-cases the key and turns dots into underscores", "[config]") {
  CHECK(ecom::config::env_name("http.port") == "ECOM_HTTP_PORT");
  CHECK(ecom::config::env_name("http.trusted_proxies") == "ECOM_HTTP_TRUSTED_PROXIES");
}

TEST_CASE("defaults apply when there is no file and no environment", "[config]") {
  auto config = Config::load(test_schema(), "", kNoEnv);
  CHECK(config.integer("http.port") == 8080);
  CHECK(config.boolean("http.access_log"));
  CHECK(config.string("log.level") == "info");
  CHECK(config.string_list("http.trusted_proxies") == std::vector<std::string>{"127.0.0.1"});
  CHECK(config.string("db.password").empty());
}

TEST_CASE("nested objects in the file are read as dotted keys", "[config]") {
  auto config =
      Config::parse(test_schema(),
                    R"({"http": {"port": 9000, "access_log": false, "trusted_proxies": ["10.0.0.1", "10.0.0.2"]},
                                  "log": {"level": "debug"}, "site": {"name": "Boutique"}})",
                    "test.json", kNoEnv);
  CHECK(config.integer("http.port") == 9000);
  CHECK_FALSE(config.boolean("http.access_log"));
  CHECK(config.string_list("http.trusted_proxies") == std::vector<std::string>{"10.0.0.1", "10.0.0.2"});
  CHECK(config.string("log.level") == "debug");
  CHECK(config.string("site.name") == "Boutique");
}

TEST_CASE("an unknown key names the file and the key and suggests a close one", "[config]") {
  auto message = parse_error(R"({"http": {"prot": 80}})");
  CHECK_THAT(message, Contains("config/storefront.json"));
  CHECK_THAT(message, Contains("unknown key 'http.prot'"));
  CHECK_THAT(message, Contains("did you mean 'http.port'"));
}

TEST_CASE("an unknown key far from any known key gets no suggestion", "[config]") {
  auto message = parse_error(R"({"completely": {"different": 1}})");
  CHECK_THAT(message, Contains("unknown key 'completely.different'"));
  CHECK_THAT(message, !Contains("did you mean"));
}

TEST_CASE("an integer key rejects text, doubles and values out of range", "[config]") {
  auto text = parse_error(R"({"http": {"port": "abc"}})");
  CHECK_THAT(text, Contains("http.port: expected an integer between 1 and 65535, got \"abc\""));
  CHECK_THAT(parse_error(R"({"http": {"port": 80.5}})"), Contains("http.port: expected an integer"));
  CHECK_THAT(parse_error(R"({"http": {"port": 0}})"), Contains("between 1 and 65535, got 0"));
  CHECK_THAT(parse_error(R"({"http": {"port": 65536}})"), Contains("got 65536"));
  CHECK_THAT(parse_error(R"({"http": {"port": 18446744073709551615}})"), Contains("http.port: expected an integer"));
  CHECK_THAT(parse_error(R"({"http": {"port": -1}})"), Contains("http.port"));
}

TEST_CASE("an integer given as an unsigned JSON number within range is accepted", "[config]") {
  Schema schema;
  schema.integer("big", 0, 0, std::numeric_limits<std::int64_t>::max(), "");
  auto config = Config::parse(schema, R"({"big": 9223372036854775807})", "t.json", kNoEnv);
  CHECK(config.integer("big") == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("an integer too large for int64 is refused even when the range is unbounded", "[config]") {
  Schema schema;
  schema.integer("any", 0, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(), "");
  auto message = error_of([&] { (void)Config::parse(schema, R"({"any": 18446744073709551615})", "t.json", kNoEnv); });
  CHECK_THAT(message, Contains("any: expected an integer"));
}

TEST_CASE("boolean, string and list keys reject the wrong JSON type", "[config]") {
  CHECK_THAT(parse_error(R"({"http": {"access_log": "yes"}})"), Contains("http.access_log: expected a boolean"));
  CHECK_THAT(parse_error(R"({"site": {"name": 5}})"), Contains("site.name: expected a string"));
  CHECK_THAT(parse_error(R"({"http": {"trusted_proxies": "10.0.0.1"}})"),
             Contains("http.trusted_proxies: expected a list of strings"));
  CHECK_THAT(parse_error(R"({"http": {"trusted_proxies": ["a", 1]}})"),
             Contains("http.trusted_proxies: expected a list of strings"));
}

TEST_CASE("a string outside one_of names the key and the allowed values", "[config]") {
  auto message = parse_error(R"({"log": {"level": "verbose"}})");
  CHECK_THAT(message, Contains("log.level: expected one of 'debug', 'info', 'warn', 'error', got \"verbose\""));
}

TEST_CASE("a secret in the file is refused and points at its environment variable", "[config]") {
  auto message = parse_error(R"({"db": {"password": "hunter2"}})");
  CHECK_THAT(message, Contains("db.password"));
  CHECK_THAT(message, Contains("ECOM_DB_PASSWORD"));
  CHECK_THAT(message, !Contains("hunter2"));
}

TEST_CASE("a secret is read from its environment variable", "[config]") {
  auto config = Config::parse(test_schema(), "{}", "t.json", env_of({{"ECOM_DB_PASSWORD", "hunter2"}}));
  CHECK(config.string("db.password") == "hunter2");
}

TEST_CASE("a secret shorter than its minimum length is refused without showing it", "[config]") {
  Schema schema;
  schema.secret("shop.key", "signing key", 32);
  auto short_key = error_of([&] {
    (void)Config::parse(schema, "{}", "t.json", env_of({{"ECOM_SHOP_KEY", "only-sixteen-byt"}}));
  });
  CHECK_THAT(short_key, Contains("ECOM_SHOP_KEY"));
  CHECK_THAT(short_key, Contains("at least 32 bytes"));
  CHECK_THAT(short_key, !Contains("only-sixteen-byt"));
  const std::string key(32, 'k');
  CHECK(Config::parse(schema, "{}", "t.json", env_of({{"ECOM_SHOP_KEY", key}})).string("shop.key") == key);
  CHECK(Config::parse(schema, "{}", "t.json", env_of({})).string("shop.key").empty());  // unset stays allowed
}

TEST_CASE("a schema's rules run at every load and stop it with their message", "[config]") {
  Schema schema;
  schema.secret("shop.key", "signing key").boolean("shop.require_key", false, "refuse to start without shop.key");
  schema.rule([](const Config& c) {
    if (c.boolean("shop.require_key") && c.string("shop.key").empty()) {
      throw ConfigError("shop.key: required; set ECOM_SHOP_KEY");
    }
  });
  CHECK_THAT(error_of([&] { (void)Config::parse(schema, R"({"shop": {"require_key": true}})", "t.json", env_of({})); }),
             Contains("ECOM_SHOP_KEY"));
  CHECK_THAT(error_of([&] {
               (void)Config::load(schema, "", env_of({{"ECOM_SHOP_REQUIRE_KEY", "true"}}));
             }),
             Contains("shop.key: required"));
  CHECK(Config::parse(schema, R"({"shop": {"require_key": true}})", "t.json", env_of({{"ECOM_SHOP_KEY", "k"}}))
            .string("shop.key") == "k");
  CHECK(Config::parse(schema, "{}", "t.json", env_of({})).string("shop.key").empty());
}

TEST_CASE("environment variables override the file", "[config]") {
  auto env = env_of({{"ECOM_HTTP_PORT", "9443"}, {"ECOM_SITE_NAME", "From env"}, {"ECOM_LOG_LEVEL", "warn"}});
  auto config = Config::parse(test_schema(), R"({"http": {"port": 9000}, "site": {"name": "File"}})", "t.json", env);
  CHECK(config.integer("http.port") == 9443);
  CHECK(config.string("site.name") == "From env");
  CHECK(config.string("log.level") == "warn");
}

TEST_CASE("booleans in the environment accept true/false/1/0/yes/no", "[config]") {
  for (const auto& [text, expected] : std::vector<std::pair<std::string, bool>>{
           {"true", true}, {"1", true}, {"yes", true}, {"false", false}, {"0", false}, {"no", false}}) {
    auto config = Config::load(test_schema(), "", env_of({{"ECOM_HTTP_ACCESS_LOG", text}}));
    INFO(text);
    CHECK(config.boolean("http.access_log") == expected);
  }
  auto message = error_of([] { (void)Config::load(test_schema(), "", env_of({{"ECOM_HTTP_ACCESS_LOG", "maybe"}})); });
  CHECK_THAT(message, Contains("ECOM_HTTP_ACCESS_LOG"));
  CHECK_THAT(message, Contains("http.access_log"));
}

TEST_CASE("lists in the environment are comma-separated, trimmed, without empty items", "[config]") {
  auto config =
      Config::load(test_schema(), "", env_of({{"ECOM_HTTP_TRUSTED_PROXIES", " 10.0.0.1 ,, 10.0.0.2,  ,10.0.0.3 "}}));
  CHECK(config.string_list("http.trusted_proxies") == std::vector<std::string>{"10.0.0.1", "10.0.0.2", "10.0.0.3"});
  auto empty = Config::load(test_schema(), "", env_of({{"ECOM_HTTP_TRUSTED_PROXIES", ""}}));
  CHECK(empty.string_list("http.trusted_proxies").empty());
}

TEST_CASE("a malformed integer in the environment names the variable and the key", "[config]") {
  for (const char* bad : {"80x", "abc", "", " 80", "80 ", "8.0", "99999999999999999999"}) {
    INFO(bad);
    auto message = error_of([&] { (void)Config::load(test_schema(), "", env_of({{"ECOM_HTTP_PORT", bad}})); });
    CHECK_THAT(message, Contains("ECOM_HTTP_PORT"));
    CHECK_THAT(message, Contains("http.port"));
    CHECK_THAT(message, Contains("expected an integer between 1 and 65535"));
  }
  auto range = error_of([] { (void)Config::load(test_schema(), "", env_of({{"ECOM_HTTP_PORT", "70000"}})); });
  CHECK_THAT(range, Contains("ECOM_HTTP_PORT"));
  CHECK_THAT(range, Contains("got \"70000\""));
}

TEST_CASE("a string outside one_of in the environment names the variable", "[config]") {
  auto message = error_of([] { (void)Config::load(test_schema(), "", env_of({{"ECOM_LOG_LEVEL", "loud"}})); });
  CHECK_THAT(message, Contains("ECOM_LOG_LEVEL"));
  CHECK_THAT(message, Contains("log.level"));
  CHECK_THAT(message, Contains("one of 'debug'"));
}

TEST_CASE("load reads the file and names it when it is missing", "[config]") {
  TempFile file(R"({"http": {"port": 1234}})");
  auto config = Config::load(test_schema(), file.path(), kNoEnv);
  CHECK(config.integer("http.port") == 1234);

  auto missing = std::filesystem::temp_directory_path() / "ecom_config_test_does_not_exist.json";
  auto message = error_of([&] { (void)Config::load(test_schema(), missing, kNoEnv); });
  CHECK_THAT(message, Contains("cannot read config file"));
  CHECK_THAT(message, Contains(missing.string()));
}

TEST_CASE("invalid JSON names the file and carries the parser's message", "[config]") {
  TempFile file(R"({"http": {"port": 80,}})");
  auto message = error_of([&] { (void)Config::load(test_schema(), file.path(), kNoEnv); });
  CHECK_THAT(message, Contains(file.path().string()));
  CHECK_THAT(message, Contains("invalid JSON"));
  CHECK(message.size() > file.path().string().size() + std::string_view(": invalid JSON: ").size());
}

TEST_CASE("a file that is not a JSON object is refused", "[config]") {
  CHECK_THAT(parse_error("[1, 2]"), Contains("expected a JSON object"));
}

TEST_CASE("getters throw logic_error for unknown keys and the wrong type", "[config]") {
  auto config = Config::load(test_schema(), "", kNoEnv);
  CHECK_THROWS_AS(config.integer("http.nope"), std::logic_error);
  CHECK_THROWS_AS(config.string("http.port"), std::logic_error);
  CHECK_THROWS_AS(config.boolean("site.name"), std::logic_error);
  CHECK_THROWS_AS(config.string_list("http.port"), std::logic_error);
  CHECK_NOTHROW(config.integer("http.port"));
}

TEST_CASE("schema mistakes are programming errors", "[config]") {
  Schema schema;
  schema.integer("a.b", 1, 0, 10, "");
  CHECK_THROWS_AS(schema.integer("a.b", 1, 0, 10, ""), std::logic_error);
  CHECK_THROWS_AS(schema.integer("c", 11, 0, 10, ""), std::logic_error);
  CHECK_THROWS_AS(schema.string("d", "x", "", {"y", "z"}), std::logic_error);
  CHECK_THROWS_AS(schema.boolean("a", true, ""), std::logic_error);
}

TEST_CASE("describe lists key, variable, type, default and help, never a secret's value", "[config]") {
  auto text = Config::describe(test_schema());
  CHECK_THAT(text, Contains("http.port"));
  CHECK_THAT(text, Contains("ECOM_HTTP_PORT"));
  CHECK_THAT(text, Contains("integer, 1 to 65535"));
  CHECK_THAT(text, Contains("default: 8080"));
  CHECK_THAT(text, Contains("TCP port to listen on"));
  CHECK_THAT(text, Contains("one of debug, info, warn, error"));
  CHECK_THAT(text, Contains("ECOM_DB_PASSWORD"));

  auto secret_section = text.substr(text.find("db.password"));
  CHECK_THAT(secret_section, Contains("default: none (secret"));
  CHECK_THAT(secret_section, !Contains("default: \""));
}
