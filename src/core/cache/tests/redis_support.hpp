// What the Redis tests share: the server address from the environment (a missing one fails the
// test, it never skips), a key prefix of their own, and a plain client to look at what RedisCache
// stored.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace ecom::cache::testing {

// ECOM_TEST_REDIS_URL, or FAIL with how to get one.
std::string redis_url();
// A prefix no other test uses: "ecom-test:<random>:".
std::string unique_prefix();

class RawRedis {
 public:
  RawRedis();
  ~RawRedis();
  RawRedis(const RawRedis&) = delete;
  RawRedis& operator=(const RawRedis&) = delete;

  struct Deleter {
    void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
  };
  using Reply = std::unique_ptr<redisReply, Deleter>;
  // FAILs the test when the command gets no reply.
  Reply command(const std::vector<std::string>& args);

  bool exists(const std::string& key);
  long long pttl(const std::string& key);
  std::vector<std::string> keys_under(const std::string& prefix);
  void delete_under(const std::string& prefix);

 private:
  redisContext* context_ = nullptr;
};

}  // namespace ecom::cache::testing
