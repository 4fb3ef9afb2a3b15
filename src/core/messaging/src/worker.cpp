#include "consumer.hpp"
#include "dispatcher.hpp"
#include "relay.hpp"
#include "rows.hpp"

#include <ecom/db/database.hpp>
#include <ecom/messaging/worker.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/log.hpp>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace ecom::messaging {
namespace {

using namespace std::chrono_literals;

constexpr auto kBackoffFirst = 100ms;
constexpr auto kBackoffMax = 5000ms;
constexpr auto kConsumeWait = 200ms;  // how soon a consumer notices stop()

bool valid_consumer_name(std::string_view s) {
  return !s.empty() && s.size() <= 100 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool valid_pattern(std::string_view s) {
  return !s.empty() && s.size() <= 255 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*' || c == '#';
  });
}

// Reconnect delays: 100 ms doubling to 5 s, reset after a success.
class Backoff {
 public:
  std::chrono::milliseconds next() {
    auto d = current_;
    current_ = std::min(current_ * 2, std::chrono::milliseconds(kBackoffMax));
    return d;
  }
  void reset() { current_ = kBackoffFirst; }

 private:
  std::chrono::milliseconds current_{kBackoffFirst};
};

}  // namespace

struct Worker::Impl {
  db::Database& db;
  MessagingOptions options;
  std::vector<Subscription> subscriptions;
  std::shared_ptr<metrics::Registry> metrics;
  WorkerRoles roles;

  detail::ConsumerCounters counters;
  std::atomic<std::uint64_t> published{0};
  std::atomic<std::uint64_t> reconnects{0};
  std::atomic<bool> relay_ok{true};
  std::atomic<bool> consumer_ok{true};

  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::vector<std::thread> threads;

  Impl(db::Database& d, MessagingOptions o, std::vector<Subscription> s, std::shared_ptr<metrics::Registry> m,
       WorkerRoles r)
      : db(d), options(std::move(o)), subscriptions(std::move(s)), metrics(std::move(m)), roles(r) {
    counters.metrics = metrics;
  }

  bool stop_requested() {
    std::lock_guard lock(mutex);
    return stopping;
  }
  // Sleeps up to d; returns early (true) when stop() was called.
  bool wait_for(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    return wake.wait_for(lock, d, [&] { return stopping; });
  }
  void count(const char* series, std::uint64_t by) {
    if (metrics && by > 0) {
      metrics->increment(series, by);
    }
  }

  void run_relay();
  void run_consumer();
  void run_embedded();
};

void Worker::Impl::run_relay() {
  detail::Relay relay(db, options, subscriptions);
  std::unique_ptr<detail::AmqpConnection> connection;
  Backoff backoff;
  bool logged_down = false;
  while (!stop_requested()) {
    try {
      if (!connection) {
        connection = relay.connect();
        relay_ok = true;
        log::info("outbox relay connected", {{"broker", connection->target().display}});
        logged_down = false;
      }
      auto batch = relay.publish_batch(*connection);
      published.fetch_add(batch.confirmed);
      count("messaging_published_total", batch.confirmed);
      backoff.reset();
      if (batch.claimed < options.relay_batch) {
        // Idle on the connection (heartbeats), in slices so that stop() is noticed soon.
        auto until = std::chrono::steady_clock::now() + options.relay_poll;
        while (!stop_requested() && std::chrono::steady_clock::now() < until) {
          auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
          connection->idle(std::min(left, std::chrono::milliseconds(kConsumeWait)));
        }
      }
    } catch (const detail::AmqpError& e) {
      connection.reset();
      relay_ok = false;
      reconnects.fetch_add(1);
      count("messaging_reconnects_total{part=\"relay\"}", 1);
      if (!logged_down) {
        log::warn("outbox relay lost the broker; reconnecting", {{"error", e.what()}});
        logged_down = true;
      }
      wait_for(backoff.next());
    } catch (const std::exception& e) {
      // The database: the transaction rolled back and the rows stay pending.
      count("messaging_errors_total{part=\"relay\"}", 1);
      log::warn("outbox relay failed; retrying", {{"error", e.what()}});
      wait_for(backoff.next());
    }
  }
}

void Worker::Impl::run_consumer() {
  detail::AmqpConsumer consumer(db, options, subscriptions, counters);
  Backoff backoff;
  bool logged_down = false;
  while (!stop_requested()) {
    try {
      if (!consumer.connected()) {
        consumer.connect();
        consumer_ok = true;
        logged_down = false;
        log::info("consumers connected", {{"queues", static_cast<std::int64_t>(subscriptions.size())}});
      }
      consumer.poll_once(kConsumeWait);
      backoff.reset();
    } catch (const detail::AmqpError& e) {
      consumer.disconnect();
      consumer_ok = false;
      reconnects.fetch_add(1);
      count("messaging_reconnects_total{part=\"consumer\"}", 1);
      if (!logged_down) {
        log::warn("consumer lost the broker; reconnecting", {{"error", e.what()}});
        logged_down = true;
      }
      wait_for(backoff.next());
    } catch (const std::exception& e) {
      // Not the broker (the handlers' errors are caught per message): start over on a clean slate.
      consumer.disconnect();
      consumer_ok = false;
      count("messaging_errors_total{part=\"consumer\"}", 1);
      log::error("consumer failed; reconnecting", {{"error", e.what()}});
      wait_for(backoff.next());
    }
  }
  // Prefetched messages that were not started are requeued by the broker when the channel closes.
  consumer.disconnect();
}

void Worker::Impl::run_embedded() {
  detail::EmbeddedDispatcher dispatcher(db, options, subscriptions, counters);
  Backoff backoff;
  while (!stop_requested()) {
    try {
      auto taken = dispatcher.dispatch_batch();
      published.fetch_add(taken);
      count("messaging_published_total", taken);
      consumer_ok = true;
      backoff.reset();
      if (taken < options.relay_batch) {
        wait_for(options.relay_poll);
      }
    } catch (const std::exception& e) {
      consumer_ok = false;
      count("messaging_errors_total{part=\"dispatcher\"}", 1);
      log::warn("embedded dispatcher failed; retrying", {{"error", e.what()}});
      wait_for(backoff.next());
    }
  }
}

Worker::Worker(db::Database& db, MessagingOptions options, std::vector<Subscription> subscriptions,
               std::shared_ptr<metrics::Registry> metrics, WorkerRoles roles) {
  std::set<std::string, std::less<>> names;
  for (const auto& s : subscriptions) {
    if (!valid_consumer_name(s.consumer)) {
      throw core::Error::bad_parameter("consumer", "expected 1 to 100 characters of [a-z0-9_-]");
    }
    if (!names.insert(s.consumer).second) {
      throw core::Error::bad_parameter("consumer", "'" + s.consumer + "' is registered twice");
    }
    if (!valid_pattern(s.pattern)) {
      throw core::Error::bad_parameter("pattern", "expected words of [a-z0-9_-] and the wildcards * and #");
    }
    if (!s.handler) {
      throw core::Error::bad_parameter("handler", "consumer '" + s.consumer + "' has no handler");
    }
  }
  if (!embedded(options)) {
    (void)detail::parse_amqp_url(options.amqp_url, options.amqp_password);  // fail now, not in a thread
  }
  impl_ = std::make_unique<Impl>(db, std::move(options), std::move(subscriptions), std::move(metrics), roles);
}

Worker::~Worker() {
  stop();
}

void Worker::start() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->threads.empty() || impl_->stopping) {
    return;
  }
  auto* impl = impl_.get();
  if (embedded(impl->options)) {
    if (impl->roles.consume || impl->roles.relay) {
      impl->threads.emplace_back([impl] { impl->run_embedded(); });
    }
    log::info("messaging started (embedded: the outbox is dispatched in-process)",
              {{"consumers", static_cast<std::int64_t>(impl->subscriptions.size())}});
    return;
  }
  if (impl->roles.relay) {
    impl->relay_ok = false;
    impl->threads.emplace_back([impl] { impl->run_relay(); });
  }
  if (impl->roles.consume && !impl->subscriptions.empty()) {
    impl->consumer_ok = false;
    impl->threads.emplace_back([impl] { impl->run_consumer(); });
  }
  log::info("messaging started (RabbitMQ)", {{"exchange", impl->options.exchange},
                                             {"relay", impl->roles.relay},
                                             {"consumers", static_cast<std::int64_t>(impl->subscriptions.size())}});
}

void Worker::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  if (impl_->threads.empty()) {
    return;
  }
  for (auto& t : impl_->threads) {
    t.join();
  }
  impl_->threads.clear();
  auto s = stats();
  log::info("messaging stopped", {{"published", s.published},
                                  {"handled", s.handled},
                                  {"duplicates", s.duplicates},
                                  {"retried", s.retried},
                                  {"dead_lettered", s.dead_lettered}});
}

bool Worker::healthy() const noexcept {
  return impl_->relay_ok.load() && impl_->consumer_ok.load();
}

Worker::Stats Worker::stats() const noexcept {
  Stats s;
  s.published = impl_->published.load();
  s.handled = impl_->counters.handled.load();
  s.duplicates = impl_->counters.duplicates.load();
  s.retried = impl_->counters.retried.load();
  s.dead_lettered = impl_->counters.dead_lettered.load();
  s.reconnects = impl_->reconnects.load();
  return s;
}

}  // namespace ecom::messaging
