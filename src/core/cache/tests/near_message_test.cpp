// The invalidation messages of the near caches, as the Lua scripts in redis_cache.cpp write them.
#include "near_subscriber.hpp"

#include <catch2/catch.hpp>

using ecom::cache::detail::parse_near_message;

TEST_CASE("near invalidation messages name the acknowledgement list and the keys", "[cache][near]") {
  const auto m = parse_near_message("P near:ack:1\n8:P k:view9:P k:a:b\nc", "P k:");
  CHECK(m.ack == "P near:ack:1");
  CHECK_FALSE(m.all);
  CHECK(m.keys == std::vector<std::string>{"view", "a:b\nc"});  // binary-safe: lengths, not separators

  const auto all = parse_near_message("P near:ack:2\n*", "P k:");
  CHECK(all.ack == "P near:ack:2");
  CHECK(all.all);

  // Another namespace's keys are not ours to drop.
  CHECK(parse_near_message("ack\n9:Q k:other", "P k:").keys.empty());
  CHECK_FALSE(parse_near_message("ack\n9:Q k:other", "P k:").all);
}

TEST_CASE("a near invalidation message that cannot be read drops everything", "[cache][near]") {
  for (const char* payload : {"no newline", "ack\n", "ack\nx:abc", "ack\n99:short", "ack\n:abc", "ack\n4:P k"}) {
    INFO(payload);
    const auto m = parse_near_message(payload, "P k:");
    // "ack\n" has no keys at all: nothing to drop, and nothing unreadable either.
    if (std::string_view(payload) == "ack\n") {
      CHECK_FALSE(m.all);
      CHECK(m.keys.empty());
      continue;
    }
    CHECK(m.all);
    CHECK(m.keys.empty());
  }
}
