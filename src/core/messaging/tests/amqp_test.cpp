// The RabbitMQ mode against the real broker and PostgreSQL (scripts/services): the outbox relay
// with publisher confirms, consumers with their inbox, retries, the dead-letter queue and
// ecomctl's views. Each test has its own database, exchange and queues.
#include "amqp.hpp"

#include "rows.hpp"
#include "support.hpp"

#include <ecom/messaging/admin.hpp>
#include <ecom/messaging/outbox.hpp>
#include <ecom/messaging/worker.hpp>
#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace ecom;
using namespace ecom::messaging;
using namespace ecom::messaging::test;
using namespace std::chrono_literals;

namespace {

// Deletes the test's exchange and queues at the end, also when an assertion fails.
struct BrokerCleanup {
  MessagingOptions options;
  std::vector<std::string> consumers;
  ~BrokerCleanup() { delete_broker_objects(options, consumers); }
};

}  // namespace

TEST_CASE("rabbitmq: every event in the outbox is handled exactly once", "[messaging][integration]") {
  auto t = TestDatabase::postgresql();
  create_handled_table(t.db());
  auto o = broker_options();
  BrokerCleanup cleanup{o, {"audit"}};
  Worker worker(t.db(), o, {{"audit", "orders.*", recording_handler("audit")}});
  worker.start();
  REQUIRE(eventually([&] { return worker.healthy(); }, 20s));
  add_events(t.db(), "orders.order_placed", 500);
  add_events(t.db(), "catalog.product_changed", 3);  // nobody is subscribed: unroutable, still sent

  REQUIRE(eventually([&] { return count_handled(t.db()) >= 500 && outbox_status(t.db(), o).pending == 0; }, 60s));
  worker.stop();
  CHECK(count_handled(t.db()) == 500);
  CHECK(count_distinct_handled(t.db()) == 500);
  auto status = outbox_status(t.db(), o);
  CHECK(status.sent == 503);
  CHECK(status.dead_letters == 0);
  CHECK(count_sql(t.db(), "SELECT COUNT(*) FROM outbox WHERE last_error LIKE 'unroutable%'") == 3);
  CHECK(count_sql(t.db(), "SELECT COUNT(*) FROM inbox WHERE consumer = 'audit'") == 500);
}

TEST_CASE("rabbitmq: a handler that always throws ends in the dead-letter queue after max_attempts",
          "[messaging][integration]") {
  auto t = TestDatabase::postgresql();
  create_handled_table(t.db());
  auto o = broker_options();
  o.max_attempts = 4;
  BrokerCleanup cleanup{o, {"mailer"}};
  std::atomic<int> calls{0};
  std::atomic<bool> failing{true};
  std::mutex seen_mutex;
  std::vector<int> attempts_seen;
  auto record = recording_handler("mailer");
  Handler flaky = [&](soci::session& tx, const Message& m) {
    {
      std::lock_guard lock(seen_mutex);
      attempts_seen.push_back(m.attempt);
    }
    ++calls;
    record(tx, m);  // rolled back with the failure
    if (failing) {
      throw std::runtime_error("smtp server down");
    }
  };
  Worker worker(t.db(), o, {{"mailer", "orders.#", flaky}});
  worker.start();
  REQUIRE(eventually([&] { return worker.healthy(); }, 20s));
  add_events(t.db(), "orders.order_placed", 1);

  REQUIRE(eventually([&] { return outbox_status(t.db(), o).dead_letters == 1; }, 30s));
  CHECK(calls == 4);
  {
    std::lock_guard lock(seen_mutex);
    CHECK(attempts_seen == std::vector<int>{1, 2, 3, 4});
  }
  CHECK(count_handled(t.db()) == 0);
  CHECK(worker.stats().retried == 3);
  // The broker shows the dead letter as soon as it is published; the worker counts it a moment
  // later, once its publish returns.
  CHECK(eventually([&] { return worker.stats().dead_lettered == 1; }, 5s));

  // Fixed: ecomctl outbox retry-dead sends it back to the mailer's queue.
  failing = false;
  CHECK(retry_dead_letters(t.db(), o) == 1);
  REQUIRE(eventually([&] { return count_handled(t.db()) == 1; }, 20s));
  worker.stop();
  CHECK(outbox_status(t.db(), o).dead_letters == 0);
  CHECK(calls == 5);
}

TEST_CASE("rabbitmq: a redelivered message has no second effect", "[messaging][integration]") {
  auto t = TestDatabase::postgresql();
  create_handled_table(t.db());
  auto o = broker_options();
  BrokerCleanup cleanup{o, {"audit"}};
  Worker worker(t.db(), o, {{"audit", "#", recording_handler("audit")}});
  worker.start();
  REQUIRE(eventually([&] { return worker.healthy(); }, 20s));
  auto ids = add_events(t.db(), "orders.order_placed", 5);
  REQUIRE(eventually([&] { return count_handled(t.db()) == 5; }, 20s));

  // The relay publishes them all again, as after a crash between the confirm and the commit...
  t.db().transact("test", [](soci::session& s) { s << "UPDATE outbox SET sent_at = NULL"; });
  // ...and a copy arrives straight from the broker with the same message_id.
  {
    detail::AmqpConnection c(detail::parse_amqp_url(o.amqp_url, ""), 0s, 5000ms);
    c.enable_confirms();
    detail::OutgoingMessage m;
    m.exchange = o.exchange;
    m.routing_key = "orders.order_placed";
    m.message_id = ids.front();
    m.type = "orders.order_placed";
    m.body = "{}";
    c.publish(m, true);
    c.wait_for_confirms(5000ms);
  }
  REQUIRE(eventually([&] { return worker.stats().duplicates == 6; }, 20s));
  worker.stop();
  CHECK(count_handled(t.db()) == 5);
  CHECK(count_distinct_handled(t.db()) == 5);
}

TEST_CASE("rabbitmq: two relays on PostgreSQL never publish a row twice", "[messaging][integration]") {
  auto t = TestDatabase::postgresql();
  auto o = broker_options();
  o.relay_batch = 10;  // many small claims: the relays interleave all the time
  BrokerCleanup cleanup{o, {}};
  // A plain queue bound to everything: it receives each publish once, so it counts publishes.
  const std::string counter = o.queue_prefix + ".counter";
  detail::AmqpConnection admin(detail::parse_amqp_url(o.amqp_url, ""), 0s, 5000ms);
  admin.declare_exchange(o.exchange, "topic");
  admin.declare_queue(counter);
  admin.bind_queue(counter, o.exchange, "#");

  auto other = t.open_another();
  Worker first(t.db(), o, {}, nullptr, WorkerRoles{.relay = true, .consume = false});
  Worker second(*other, o, {}, nullptr, WorkerRoles{.relay = true, .consume = false});
  first.start();
  second.start();
  // Written while both relays poll, so that both find work at the same moments.
  add_events(t.db(), "orders.order_placed", 1000, 20);
  REQUIRE(eventually([&] { return outbox_status(t.db(), o).pending == 0; }, 60s));
  first.stop();
  second.stop();
  CHECK(first.stats().published > 0);
  CHECK(second.stats().published > 0);
  CHECK(first.stats().published + second.stats().published == 1000);

  std::map<std::string, int> publishes;
  for (int i = 0; i < 1100; ++i) {
    auto d = admin.get(counter);
    if (!d) {
      break;
    }
    ++publishes[d->message_id];
    admin.ack(d->delivery_tag);
  }
  admin.delete_queue(counter);
  CHECK(publishes.size() == 1000);
  int twice = 0;
  for (const auto& [id, n] : publishes) {
    twice += n > 1 ? 1 : 0;
  }
  CHECK(twice == 0);
}

TEST_CASE("rabbitmq: stop() finishes the message in flight and the rest is redelivered", "[messaging][integration]") {
  auto t = TestDatabase::postgresql();
  create_handled_table(t.db());
  auto o = broker_options();
  o.prefetch = 10;
  BrokerCleanup cleanup{o, {"slow"}};
  auto record = recording_handler("slow");
  Handler slow = [&](soci::session& tx, const Message& m) {
    std::this_thread::sleep_for(50ms);
    record(tx, m);
  };
  {
    Worker worker(t.db(), o, {{"slow", "#", slow}});
    worker.start();
    REQUIRE(eventually([&] { return worker.healthy(); }, 20s));
    add_events(t.db(), "orders.order_placed", 40);
    REQUIRE(eventually([&] { return count_handled(t.db()) >= 5; }, 20s));
    worker.stop();
  }
  auto after_stop = count_handled(t.db());
  CHECK(after_stop < 40);
  Worker again(t.db(), o, {{"slow", "#", slow}});
  again.start();
  REQUIRE(eventually([&] { return count_handled(t.db()) == 40; }, 30s));
  again.stop();
  CHECK(count_distinct_handled(t.db()) == 40);
  // The message in flight at stop() was finished and acked: nothing came back a second time.
  CHECK(again.stats().duplicates == 0);
}

TEST_CASE("rabbitmq: events relayed before any consumer ran wait in its queue", "[messaging][integration]") {
  auto t = TestDatabase::postgresql();
  create_handled_table(t.db());
  auto o = broker_options();
  BrokerCleanup cleanup{o, {"audit"}};
  const std::vector<Subscription> subscriptions{{"audit", "orders.*", recording_handler("audit")}};
  {
    // A first deployment: the relay is up, no consumer has connected yet.
    Worker relay_only(t.db(), o, subscriptions, nullptr, WorkerRoles{.relay = true, .consume = false});
    relay_only.start();
    add_events(t.db(), "orders.order_placed", 50);
    REQUIRE(eventually([&] { return outbox_status(t.db(), o).pending == 0; }, 20s));
    relay_only.stop();
  }
  CHECK(count_sql(t.db(), "SELECT COUNT(*) FROM outbox WHERE last_error IS NOT NULL") == 0);  // none unroutable
  Worker consumer(t.db(), o, subscriptions, nullptr, WorkerRoles{.relay = false, .consume = true});
  consumer.start();
  REQUIRE(eventually([&] { return count_handled(t.db()) == 50; }, 20s));
  consumer.stop();
  CHECK(count_distinct_handled(t.db()) == 50);
}

TEST_CASE("rabbitmq: the relay works on SQLite too", "[messaging][integration]") {
  auto t = TestDatabase::sqlite();
  create_handled_table(t.db());
  auto o = broker_options();
  BrokerCleanup cleanup{o, {"audit"}};
  Worker worker(t.db(), o, {{"audit", "orders.*", recording_handler("audit")}});
  worker.start();
  REQUIRE(eventually([&] { return worker.healthy(); }, 20s));
  add_events(t.db(), "orders.order_placed", 100);
  REQUIRE(eventually([&] { return count_handled(t.db()) == 100 && outbox_status(t.db(), o).pending == 0; }, 30s));
  worker.stop();
  CHECK(count_distinct_handled(t.db()) == 100);
}

TEST_CASE("rabbitmq: an unreachable broker is an unavailable error for ecomctl", "[messaging][integration]") {
  auto t = TestDatabase::sqlite();
  auto o = broker_options();
  o.amqp_url = "amqp://guest:guest@127.0.0.1:1/";  // nothing listens on port 1
  try {
    (void)outbox_status(t.db(), o);
    FAIL("outbox_status succeeded without a broker");
  } catch (const core::Error& e) {
    CHECK(e.code() == core::ErrorCode::unavailable);
    CHECK(e.message() == "The message broker is unavailable.");
    // The operator's text names the broker's failure, never the password.
    CHECK(e.has_log_text());
    CHECK(e.log_text().find("guest:guest") == std::string::npos);
  }
}

TEST_CASE("rabbitmq: idle connections keep their heartbeats and stay up", "[messaging][integration]") {
  auto t = TestDatabase::postgresql();
  create_handled_table(t.db());
  auto o = broker_options();
  o.heartbeat = 1s;  // the broker drops a connection after two silent heartbeat intervals
  o.relay_poll = 500ms;
  BrokerCleanup cleanup{o, {"mailer"}};
  std::atomic<int> calls{0};
  auto record = recording_handler("mailer");
  Handler fails_once = [&](soci::session& tx, const Message& m) {
    if (++calls == 1) {
      throw std::runtime_error("first attempt fails");
    }
    record(tx, m);
  };
  Worker worker(t.db(), o, {{"mailer", "#", fails_once}});
  worker.start();
  REQUIRE(eventually([&] { return worker.healthy(); }, 20s));
  std::this_thread::sleep_for(4s);  // idle: relay, consumer and the retry publisher
  add_events(t.db(), "orders.order_placed", 1);
  REQUIRE(eventually([&] { return count_handled(t.db()) == 1; }, 20s));
  worker.stop();
  CHECK(worker.stats().retried == 1);
  CHECK(worker.stats().reconnects == 0);
}
