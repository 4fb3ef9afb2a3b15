#include "amqp.hpp"

#include <ecom/messaging/options.hpp>

#include <catch2/catch.hpp>

#include <map>

using namespace ecom;
using namespace std::chrono_literals;

namespace {

config::Config load(std::string_view json, const std::map<std::string, std::string>& env = {}) {
  config::Schema schema;
  messaging::declare_config(schema);
  return config::Config::parse(schema, json, "test.json", [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

}  // namespace

TEST_CASE("messaging config: the defaults are the embedded mode", "[messaging][unit]") {
  auto o = messaging::options_from(load("{}"));
  CHECK(messaging::embedded(o));
  CHECK(o.exchange == "ecom.events");
  CHECK(o.queue_prefix == "ecom");
  CHECK(o.max_attempts == 5);
  CHECK(o.prefetch == 32);
}

TEST_CASE("messaging config: the password is a secret from the environment", "[messaging][unit]") {
  auto o = messaging::options_from(load(R"({"messaging": {"amqp_url": "amqp://ecom@mq.internal:5672/shop"}})",
                                        {{"ECOM_MESSAGING_AMQP_PASSWORD", "s3cret"}}));
  CHECK_FALSE(messaging::embedded(o));
  auto target = messaging::detail::parse_amqp_url(o.amqp_url, o.amqp_password);
  CHECK(target.host == "mq.internal");
  CHECK(target.port == 5672);
  CHECK(target.user == "ecom");
  CHECK(target.password == "s3cret");
  CHECK(target.vhost == "shop");
  CHECK(target.display.find("s3cret") == std::string::npos);

  CHECK_THROWS_AS(load(R"({"messaging": {"amqp_password": "x"}})"), config::ConfigError);
}

TEST_CASE("messaging config: bad values name the key", "[messaging][unit]") {
  CHECK_THROWS_WITH(messaging::options_from(load(R"({"messaging": {"exchange": "a b"}})")),
                    Catch::Contains("messaging.exchange"));
  CHECK_THROWS_WITH(messaging::options_from(load(R"({"messaging": {"amqp_url": "http://x"}})")),
                    Catch::Contains("messaging.amqp_url"));
  CHECK_THROWS_AS(load(R"({"messaging": {"max_attempts": 0}})"), config::ConfigError);
}

TEST_CASE("AMQP URLs: an empty vhost is /, and the password never shows", "[messaging][unit]") {
  auto t = messaging::detail::parse_amqp_url("amqp://guest:guest@127.0.0.1:55672/", "");
  CHECK(t.vhost == "/");
  CHECK(t.password == "guest");
  CHECK(t.display == "amqp://guest@127.0.0.1:55672/");
  CHECK_THROWS_AS(messaging::detail::parse_amqp_url("not a url", ""), messaging::detail::AmqpError);
}

TEST_CASE("retry delays double from the base up to the cap", "[messaging][unit]") {
  messaging::MessagingOptions o;
  o.retry_base = 100ms;
  o.retry_max = 1000ms;
  CHECK(messaging::retry_delay(o, 2) == 100ms);
  CHECK(messaging::retry_delay(o, 3) == 200ms);
  CHECK(messaging::retry_delay(o, 4) == 400ms);
  CHECK(messaging::retry_delay(o, 5) == 800ms);
  CHECK(messaging::retry_delay(o, 6) == 1000ms);
  CHECK(messaging::retry_delay(o, 60) == 1000ms);
}
