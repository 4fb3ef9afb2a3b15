// Exactly-once effect through crashes, against the real broker and PostgreSQL: RabbitMQ restarted
// in the middle of a stream of events, and the worker process killed with SIGKILL in the middle of
// a batch and started again. Every event must be handled, and none twice: the handler's table has
// no unique constraint, so a duplicate effect would show up as an extra row.
// SERIAL: the first test restarts the RabbitMQ that every other test shares.
#include "child_process.hpp"
#include "support.hpp"

#include <ecom/messaging/admin.hpp>
#include <ecom/messaging/worker.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <optional>
#include <signal.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace ecom::messaging;
using namespace ecom::messaging::test;
using namespace std::chrono_literals;

namespace {

constexpr int kEvents = 500;

using Child = ecom::test::ChildProcess;

struct BrokerCleanup {
  MessagingOptions options;
  std::vector<std::string> consumers;
  ~BrokerCleanup() { delete_broker_objects(options, consumers); }
};

// Writes kEvents events in small transactions spread over time, so that the crash lands while
// events are still being written, relayed and consumed.
class Producer {
 public:
  explicit Producer(ecom::db::Database& db)
      : thread_([&db, this] {
          for (int written = 0; written < kEvents; written += 10) {
            add_events(db, "orders.order_placed", 10, 10);
            written_.store(written + 10);
            std::this_thread::sleep_for(30ms);
          }
        }) {}
  ~Producer() { thread_.join(); }
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;
  [[nodiscard]] int written() const { return written_.load(); }

 private:
  std::atomic<int> written_{0};
  std::thread thread_;
};

bool all_handled(TestDatabase& t, const MessagingOptions& o) {
  return count_distinct_handled(t.db()) >= kEvents && outbox_status(t.db(), o).pending == 0;
}

}  // namespace

TEST_CASE("crash: RabbitMQ restarted mid-stream, every event is handled exactly once", "[messaging][integration]") {
  const std::string services = required_env("ECOM_SERVICES");
  auto t = TestDatabase::postgresql();
  create_handled_table(t.db());
  auto o = broker_options();
  o.relay_batch = 25;
  BrokerCleanup cleanup{o, {"audit"}};
  Worker worker(t.db(), o, {{"audit", "orders.*", recording_handler("audit")}});
  worker.start();
  REQUIRE(eventually([&] { return worker.healthy(); }, 20s));
  {
    Producer producer(t.db());
    REQUIRE(eventually([&] { return count_handled(t.db()) >= 100; }, 30s));
    const std::string restart = "\"" + services + "\" restart rabbitmq >/dev/null 2>&1";
    REQUIRE(std::system(restart.c_str()) == 0);
  }
  REQUIRE(eventually([&] { return all_handled(t, o); }, 60s));
  worker.stop();
  CHECK(worker.stats().reconnects > 0);
  CHECK(count_handled(t.db()) == kEvents);
  CHECK(count_distinct_handled(t.db()) == kEvents);
  CHECK(outbox_status(t.db(), o).dead_letters == 0);
}

TEST_CASE("crash: the worker killed with SIGKILL mid-batch and restarted handles every event once",
          "[messaging][integration]") {
  auto t = TestDatabase::postgresql();
  create_handled_table(t.db());
  auto o = broker_options();
  BrokerCleanup cleanup{o, {"audit"}};
  const std::vector<std::string> env{
      "ECOM_DB_URL=" + t.url(),
      "ECOM_MESSAGING_AMQP_URL=" + o.amqp_url,
      "ECOM_MESSAGING_EXCHANGE=" + o.exchange,
      "ECOM_MESSAGING_QUEUE_PREFIX=" + o.queue_prefix,
      "ECOM_MESSAGING_RELAY_BATCH=25",
      "ECOM_MESSAGING_RELAY_POLL_MS=20",
      "ECOM_MESSAGING_PREFETCH=20",
      "ECOM_TEST_HANDLER_DELAY_MS=3",
  };
  const std::vector<std::string> argv{std::string(ECOM_BIN_DIR) + "/messaging_test_worker"};
  auto ready = [](const std::string& out) { return out.find("test worker ready") != std::string::npos; };
  {
    Child first(argv, env);
    REQUIRE(first.read_until(ready, 20s));
    // The consumer declares its queue in the background; events before that would be unroutable.
    REQUIRE(first.read_until(
        [](const std::string& out) { return out.find("consumers connected") != std::string::npos; }, 20s));
    Producer producer(t.db());
    REQUIRE(eventually([&] { return count_handled(t.db()) >= 100; }, 30s));
    first.signal(SIGKILL);
    REQUIRE(first.wait_exit(10s) == 128 + SIGKILL);
    INFO("killed after " << count_handled(t.db()) << " handled, " << producer.written() << " written");
    CHECK(count_handled(t.db()) < kEvents);
  }
  Child second(argv, env);
  REQUIRE(second.read_until(ready, 20s));
  REQUIRE(eventually([&] { return all_handled(t, o); }, 60s));
  second.signal(SIGTERM);
  CHECK(second.wait_exit(20s) == 0);
  CHECK(count_handled(t.db()) == kEvents);
  CHECK(count_distinct_handled(t.db()) == kEvents);
}
