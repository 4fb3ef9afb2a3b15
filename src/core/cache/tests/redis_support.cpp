#include "redis_support.hpp"

#include <ecom/cache/redis_cache.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>

namespace ecom::cache::testing {

std::string redis_url() {
  const char* url = std::getenv("ECOM_TEST_REDIS_URL");
  if (url == nullptr || *url == '\0') {
    FAIL(
        "ECOM_TEST_REDIS_URL is not set: run the integration tests through scripts/test, or run "
        "`scripts/services start` and `source $ECOM_SERVICES_DIR/env` first");
  }
  return url;
}

std::string unique_prefix() {
  std::random_device rd;
  return "ecom-test:" + std::to_string(rd()) + std::to_string(rd()) + ":";
}

RawRedis::RawRedis() {
  const auto address = parse_redis_url(redis_url());
  context_ = redisConnect(address.host.c_str(), address.port);
  if (context_ == nullptr || context_->err != 0) {
    FAIL("cannot connect to Redis at " << redis_url() << ": " << (context_ ? context_->errstr : "no memory"));
  }
}

RawRedis::~RawRedis() {
  if (context_ != nullptr) {
    redisFree(context_);
  }
}

RawRedis::Reply RawRedis::command(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& a : args) {
    argv.push_back(a.c_str());
    lengths.push_back(a.size());
  }
  Reply r(
      static_cast<redisReply*>(redisCommandArgv(context_, static_cast<int>(args.size()), argv.data(), lengths.data())));
  if (!r) {
    FAIL("Redis command " << args.front() << " failed: " << context_->errstr);
  }
  return r;
}

bool RawRedis::exists(const std::string& key) {
  return command({"EXISTS", key})->integer == 1;
}

long long RawRedis::pttl(const std::string& key) {
  return command({"PTTL", key})->integer;
}

std::vector<std::string> RawRedis::keys_under(const std::string& prefix) {
  std::vector<std::string> keys;
  std::string cursor = "0";
  for (int round = 0; round < 10'000; ++round) {
    auto r = command({"SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000"});
    cursor.assign(r->element[0]->str, r->element[0]->len);
    for (std::size_t i = 0; i < r->element[1]->elements; ++i) {
      keys.emplace_back(r->element[1]->element[i]->str, r->element[1]->element[i]->len);
    }
    if (cursor == "0") {
      break;
    }
  }
  return keys;
}

void RawRedis::delete_under(const std::string& prefix) {
  for (const auto& key : keys_under(prefix)) {
    command({"DEL", key});
  }
}

}  // namespace ecom::cache::testing
