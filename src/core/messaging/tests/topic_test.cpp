#include <ecom/messaging/subscription.hpp>

#include <catch2/catch.hpp>

using ecom::messaging::topic_matches;

TEST_CASE("topic patterns match as AMQP topic exchanges do", "[messaging][unit]") {
  CHECK(topic_matches("orders.order_placed", "orders.order_placed"));
  CHECK_FALSE(topic_matches("orders.order_placed", "orders.order_paid"));
  CHECK(topic_matches("orders.*", "orders.order_placed"));
  CHECK_FALSE(topic_matches("orders.*", "orders"));
  CHECK_FALSE(topic_matches("orders.*", "orders.a.b"));
  CHECK(topic_matches("orders.#", "orders"));
  CHECK(topic_matches("orders.#", "orders.a.b"));
  CHECK(topic_matches("#", "anything.at.all"));
  CHECK(topic_matches("#.paid", "orders.payments.paid"));
  CHECK(topic_matches("*.*.paid", "orders.payments.paid"));
  CHECK_FALSE(topic_matches("*.paid", "orders.payments.paid"));
  CHECK(topic_matches("#.#.#", "a"));
  CHECK_FALSE(topic_matches("catalog.#", "orders.order_placed"));
}
