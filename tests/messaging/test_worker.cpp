// messaging_test_worker: ecom-worker's messaging core with one test consumer, for the crash tests
// (a real process to kill -9). Configured like the servers, through ECOM_* variables: ECOM_DB_URL,
// ECOM_MESSAGING_*, and ECOM_TEST_HANDLER_DELAY_MS to slow the handler down. The consumer "audit"
// takes every topic and records each message in the table handled(consumer, message_id), which
// the test has created. Prints "test worker ready" once started; SIGTERM stops it gracefully.
#include <ecom/db/database.hpp>
#include <ecom/messaging/options.hpp>
#include <ecom/messaging/worker.hpp>
#include <ecom/platform/config.hpp>
#include <ecom/platform/log.hpp>
#include <ecom/platform/process.hpp>

#include <fmt/format.h>
#include <soci/soci.h>

#include <chrono>
#include <cstdio>
#include <thread>

namespace {

constexpr const char* kInsertHandled = "INSERT INTO handled (consumer, message_id) VALUES (:consumer, :message_id)";

}  // namespace

int main() {
  using namespace ecom;
  // Block the stop signals before any thread starts, so that only the wait below receives them.
  process::block_stop_signals();
  try {
    config::Schema schema;
    db::declare_config(schema);
    messaging::declare_config(schema);
    schema.integer("test.handler_delay_ms", 0, 0, 10'000, "sleep in the handler, to widen the crash window");
    auto cfg = config::Config::load(schema, "", config::process_environment());
    const auto delay = std::chrono::milliseconds(cfg.integer("test.handler_delay_ms"));

    db::Database database(db::options_from(cfg));
    messaging::Handler record = [delay](soci::session& tx, const messaging::Message& m) {
      std::this_thread::sleep_for(delay);
      const std::string consumer = "audit";
      tx << kInsertHandled, soci::use(consumer), soci::use(m.id);
    };
    messaging::Worker worker(database, messaging::options_from(cfg), {{"audit", "#", record}});
    worker.start();
    fmt::print("test worker ready\n");
    std::fflush(stdout);
    (void)process::wait_for_stop_signal();
    worker.stop();
    fmt::print("test worker stopped\n");
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "messaging_test_worker: {}\n", e.what());
    return 1;
  }
}
