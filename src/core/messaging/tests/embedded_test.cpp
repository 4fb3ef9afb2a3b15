// The embedded mode on SQLite: no broker, the worker dispatches the outbox in-process with the
// same at-least-once and inbox rules as with RabbitMQ.
#include "support.hpp"

#include <ecom/messaging/admin.hpp>
#include <ecom/messaging/outbox.hpp>
#include <ecom/messaging/worker.hpp>
#include <ecom/platform/error.hpp>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <atomic>
#include <stdexcept>

using namespace ecom;
using namespace ecom::messaging;
using namespace ecom::messaging::test;
using namespace std::chrono_literals;

namespace {

MessagingOptions embedded_options() {
  MessagingOptions o;
  o.relay_poll = 10ms;
  o.retry_base = 20ms;
  o.retry_max = 200ms;
  o.max_attempts = 3;
  return o;
}

}  // namespace

TEST_CASE("embedded: events commit with their change and are handled exactly once", "[messaging][unit]") {
  auto t = TestDatabase::sqlite();
  create_handled_table(t.db());
  // A change that rolls back takes its events with it.
  CHECK_THROWS_AS(t.db().transact("test",
                                  [&](soci::session& tx) {
                                    Outbox::add(tx, make_event("orders.order_placed", "{}"));
                                    throw std::runtime_error("a business rule failed");
                                  }),
                  std::runtime_error);
  auto ids = add_events(t.db(), "orders.order_placed", 200);
  add_events(t.db(), "catalog.product_changed", 5);  // no consumer for these

  auto o = embedded_options();
  Worker worker(t.db(), o, {{"audit", "orders.*", recording_handler("audit")}});
  worker.start();
  REQUIRE(eventually([&] { return outbox_status(t.db(), o).pending == 0; }, 30s));
  worker.stop();

  CHECK(count_handled(t.db()) == 200);
  CHECK(count_distinct_handled(t.db()) == 200);
  auto status = outbox_status(t.db(), o);
  CHECK(status.sent == 205);
  CHECK(status.dead_letters == 0);
  CHECK(worker.stats().handled == 200);
}

TEST_CASE("embedded: a handler that always throws is dead-lettered after max_attempts", "[messaging][unit]") {
  auto t = TestDatabase::sqlite();
  create_handled_table(t.db());
  std::atomic<int> calls{0};
  std::atomic<bool> failing{true};
  auto record = recording_handler("mailer");
  Handler flaky = [&](soci::session& tx, const Message& m) {
    ++calls;
    record(tx, m);  // rolled back with the failure: no half effect
    if (failing) {
      throw std::runtime_error("smtp server down");
    }
  };
  add_events(t.db(), "orders.order_placed", 1);
  auto o = embedded_options();
  Worker worker(t.db(), o, {{"mailer", "orders.#", flaky}});
  worker.start();
  REQUIRE(eventually([&] { return outbox_status(t.db(), o).dead_letters == 1; }, 20s));
  CHECK(calls == o.max_attempts);
  CHECK(count_handled(t.db()) == 0);
  CHECK(outbox_status(t.db(), o).pending == 0);
  CHECK(count_sql(t.db(),
                  "SELECT COUNT(*) FROM dead_letters WHERE consumer = 'mailer' AND last_error = 'smtp server "
                  "down'") == 1);

  // The fault is fixed: retry-dead sends it back.
  failing = false;
  CHECK(retry_dead_letters(t.db(), o) == 1);
  REQUIRE(eventually([&] { return count_handled(t.db()) == 1; }, 20s));
  worker.stop();
  auto status = outbox_status(t.db(), o);
  CHECK(status.dead_letters == 0);
  CHECK(status.pending == 0);
  CHECK(retry_dead_letters(t.db(), o) == 0);
}

TEST_CASE("embedded: a message dispatched again has no second effect", "[messaging][unit]") {
  auto t = TestDatabase::sqlite();
  create_handled_table(t.db());
  add_events(t.db(), "orders.order_placed", 3);
  auto o = embedded_options();
  Worker worker(t.db(), o, {{"audit", "#", recording_handler("audit")}});
  worker.start();
  REQUIRE(eventually([&] { return count_handled(t.db()) == 3; }, 20s));
  REQUIRE(eventually([&] { return outbox_status(t.db(), o).pending == 0; }, 20s));
  // As if the worker had crashed after the handlers committed but before the rows were marked.
  t.db().transact("test", [](soci::session& s) { s << "UPDATE outbox SET sent_at = NULL"; });
  REQUIRE(eventually([&] { return outbox_status(t.db(), o).pending == 0; }, 20s));
  worker.stop();
  CHECK(count_handled(t.db()) == 3);
  CHECK(worker.stats().duplicates == 3);
}

TEST_CASE("embedded: a retry for one consumer does not repeat another's effect", "[messaging][unit]") {
  auto t = TestDatabase::sqlite();
  create_handled_table(t.db());
  std::atomic<int> mailer_calls{0};
  auto record_mail = recording_handler("mailer");
  Handler mailer = [&](soci::session& tx, const Message& m) {
    if (++mailer_calls <= 2) {
      throw std::runtime_error("transient");
    }
    record_mail(tx, m);
  };
  add_events(t.db(), "orders.order_placed", 1);
  auto o = embedded_options();
  o.max_attempts = 5;
  Worker worker(t.db(), o, {{"audit", "orders.*", recording_handler("audit")}, {"mailer", "orders.*", mailer}});
  worker.start();
  REQUIRE(eventually([&] { return outbox_status(t.db(), o).pending == 0; }, 20s));
  worker.stop();
  CHECK(mailer_calls == 3);
  CHECK(count_sql(t.db(), "SELECT COUNT(*) FROM handled WHERE consumer = 'audit'") == 1);
  CHECK(count_sql(t.db(), "SELECT COUNT(*) FROM handled WHERE consumer = 'mailer'") == 1);
  CHECK(worker.stats().retried == 2);
  CHECK(worker.stats().duplicates == 2);  // audit saw the row on both retries and skipped it
}

TEST_CASE("embedded: two workers on one SQLite file apply each event once", "[messaging][unit]") {
  auto t = TestDatabase::sqlite();
  create_handled_table(t.db());
  add_events(t.db(), "orders.order_placed", 300);
  auto other = t.open_another();
  auto o = embedded_options();
  o.relay_batch = 20;
  Worker first(t.db(), o, {{"audit", "orders.*", recording_handler("audit")}});
  Worker second(*other, o, {{"audit", "orders.*", recording_handler("audit")}});
  first.start();
  second.start();
  REQUIRE(eventually([&] { return outbox_status(t.db(), o).pending == 0; }, 60s));
  first.stop();
  second.stop();
  CHECK(count_handled(t.db()) == 300);
  CHECK(count_distinct_handled(t.db()) == 300);
}

TEST_CASE("the outbox refuses an event id twice and bad subscriptions are refused", "[messaging][unit]") {
  auto t = TestDatabase::sqlite();
  auto e = make_event("orders.order_placed", "{}");
  t.db().transact("test", [&](soci::session& tx) { Outbox::add(tx, e); });
  try {
    t.db().transact("test", [&](soci::session& tx) { Outbox::add(tx, e); });
    FAIL("a second add of the same id succeeded");
  } catch (const core::Error& error) {
    CHECK(error.code() == core::ErrorCode::conflict);
  }
  auto o = embedded_options();
  auto h = recording_handler("x");
  CHECK_THROWS_AS(Worker(t.db(), o, {{"a", "#", h}, {"a", "orders.*", h}}), core::Error);
  CHECK_THROWS_AS(Worker(t.db(), o, {{"Bad Name", "#", h}}), core::Error);
  CHECK_THROWS_AS(Worker(t.db(), o, {{"a", "orders placed", h}}), core::Error);
}
