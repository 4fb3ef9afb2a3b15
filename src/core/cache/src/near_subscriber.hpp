// The near cache's subscriber (see redis_cache.hpp): a thread with a Redis connection of its own,
// SUBSCRIBEd to the invalidation channel, that drops what each message names from the near cache
// and then acknowledges it. It keeps the near cache live exactly while it is subscribed.
#pragma once

#include "hiredis_client.hpp"

#include <ecom/cache/near_cache.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ecom::metrics {
class Registry;
}

namespace ecom::cache::detail {

// One invalidation for the near caches, as the invalidation scripts publish it: the name of the
// list to acknowledge into, a newline, then each deleted value key as <length>:<bytes>, or "*" for
// everything.
struct NearMessage {
  std::string ack;
  bool all = false;
  std::vector<std::string> keys;  // cache keys: the value keys without value_prefix
};
// A message that cannot be read drops everything: a near cache must never keep what it was told
// to drop. Value keys outside value_prefix are ignored.
[[nodiscard]] NearMessage parse_near_message(std::string_view payload, std::string_view value_prefix);

class NearSubscriber {
 public:
  struct Options {
    std::string channel;                             // P near
    std::string value_prefix;                        // P k:
    std::chrono::milliseconds reconnect_delay{100};  // first wait; doubles up to 2 s
  };
  // connect opens a connection (authenticated, database selected); called from the thread. near
  // and metrics must outlive the subscriber.
  NearSubscriber(NearCache& near, std::function<Connected()> connect, Options options, metrics::Registry& metrics);
  // Stops the thread (at once, whatever it waits for) and joins it.
  ~NearSubscriber();
  NearSubscriber(const NearSubscriber&) = delete;
  NearSubscriber& operator=(const NearSubscriber&) = delete;

  // Starts the thread the first time; later calls do nothing.
  void start();

  // Times it subscribed; the current connection's CLIENT ID (0: none). For tests and operators.
  [[nodiscard]] std::uint64_t subscriptions() const noexcept { return subscriptions_.load(); }
  [[nodiscard]] std::int64_t client_id() const noexcept { return client_id_.load(); }

 private:
  struct Ended {
    bool subscribed = false;  // it got as far as subscribing
    std::string error;
  };

  void run();
  Ended listen();
  bool pause(std::chrono::milliseconds delay) const;
  void apply(const redisReply& reply);
  void acknowledge(const std::string& list);

  NearCache& near_;
  const std::function<Connected()> connect_;
  const Options options_;
  metrics::Registry& metrics_;

  std::once_flag started_;
  std::thread thread_;
  std::array<int, 2> wake_pipe_{-1, -1};  // written once to stop the thread
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> client_id_{0};
  std::atomic<std::uint64_t> subscriptions_{0};
  // Touched by the thread only.
  Context ack_connection_;        // its own connection, for acknowledgements
  bool outage_reported_ = false;  // the current loss of the subscription was logged
};

}  // namespace ecom::cache::detail
