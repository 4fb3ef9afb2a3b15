#include <ecom/messaging/event.hpp>
#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>

#include <regex>
#include <set>

using namespace ecom::messaging;

TEST_CASE("message ids are version 4 UUIDs and do not repeat", "[messaging][unit]") {
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    auto id = new_message_id();
    REQUIRE(std::regex_match(id, uuid));
    seen.insert(id);
  }
  CHECK(seen.size() == 10000);
}

TEST_CASE("make_event checks the topic and the payload", "[messaging][unit]") {
  auto e = make_event("orders.order_placed", R"({"order_id":42})", {{"correlation_id", "abc"}});
  CHECK(e.id.size() == 36);
  CHECK(e.topic == "orders.order_placed");
  CHECK(e.payload == R"({"order_id":42})");
  CHECK(e.created_at.size() == 24);  // 2024-05-01T12:00:00.123Z
  CHECK(e.created_at.back() == 'Z');
  CHECK(e.headers.at("correlation_id") == "abc");

  CHECK_THROWS_AS(make_event("", "{}"), ecom::core::Error);
  CHECK_THROWS_AS(make_event("orders..placed", "{}"), ecom::core::Error);
  CHECK_THROWS_AS(make_event("orders.*", "{}"), ecom::core::Error);  // a pattern, not a topic
  CHECK_THROWS_AS(make_event("Orders.Placed", "{}"), ecom::core::Error);
  CHECK_THROWS_AS(make_event("orders.placed", "{not json"), ecom::core::Error);
}
