#include "near_subscriber.hpp"

#include <ecom/platform/log.hpp>
#include <ecom/platform/metrics.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace ecom::cache::detail {
namespace {

const std::string kSubscriptions = "cache_near_subscriptions_total{backend=\"redis\"}";

// An acknowledgement; the list expires in case the writer stopped waiting.
// KEYS: acknowledgement list. ARGV: its lifetime in ms.
constexpr std::string_view kAckScript = R"lua(
redis.call('RPUSH', KEYS[1], '1')
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
)lua";
constexpr std::string_view kAckListLifetimeMs = "10000";

// The connection is PINGed this often, and given up when nothing came back for kPongTimeout: a
// connection cut without a FIN would otherwise look alive until TCP keepalive notices.
constexpr std::chrono::milliseconds kPingInterval{1000};
constexpr std::chrono::milliseconds kPongTimeout{2000};
constexpr std::chrono::milliseconds kMaxReconnectDelay{2000};

bool send_ping(redisContext* c) {
  if (redisAppendCommand(c, "PING") != REDIS_OK) {
    return false;
  }
  int done = 0;
  // A PING is a few bytes: one write, or a handful when the socket buffer is full.
  for (int attempt = 0; attempt < 100 && done == 0; ++attempt) {
    if (redisBufferWrite(c, &done) != REDIS_OK) {
      return false;
    }
  }
  return done != 0;
}

}  // namespace

NearMessage parse_near_message(std::string_view payload, std::string_view value_prefix) {
  NearMessage m;
  const auto newline = payload.find('\n');
  m.ack = std::string(payload.substr(0, newline));
  if (newline == std::string_view::npos) {
    m.all = true;
    return m;
  }
  std::string_view rest = payload.substr(newline + 1);
  if (rest == "*") {
    m.all = true;
    return m;
  }
  // Bounded by the payload: each pass consumes at least two characters.
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    std::size_t length = 0;
    const auto [end, ec] =
        std::from_chars(rest.data(), rest.data() + (colon == std::string_view::npos ? 0 : colon), length);
    if (colon == std::string_view::npos || colon == 0 || ec != std::errc() || end != rest.data() + colon ||
        length > rest.size() - colon - 1) {
      m.all = true;
      m.keys.clear();
      return m;
    }
    const auto name = rest.substr(colon + 1, length);
    if (name.starts_with(value_prefix)) {
      m.keys.emplace_back(name.substr(value_prefix.size()));
    }
    rest.remove_prefix(colon + 1 + length);
  }
  return m;
}

NearSubscriber::NearSubscriber(NearCache& near, std::function<Connected()> connect, Options options,
                               metrics::Registry& metrics)
    : near_(near), connect_(std::move(connect)), options_(std::move(options)), metrics_(metrics) {}

NearSubscriber::~NearSubscriber() {
  if (thread_.joinable()) {
    stopping_.store(true);
    const char byte = 1;
    // The pipe is empty and non-blocking: the write succeeds, and the flag covers it if not.
    [[maybe_unused]] const auto written = ::write(wake_pipe_[1], &byte, 1);
    thread_.join();
  }
  for (int fd : wake_pipe_) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
}

void NearSubscriber::start() {
  std::call_once(started_, [this] {
    if (::pipe2(wake_pipe_.data(), O_CLOEXEC | O_NONBLOCK) != 0) {
      log::error("near cache disabled: no pipe for its subscriber", {{"errno", errno}});
      return;
    }
    near_.export_metrics(metrics_);
    thread_ = std::thread([this] { run(); });
  });
}

bool NearSubscriber::pause(std::chrono::milliseconds delay) const {
  // Until a steady deadline, rounded up: poll's whole milliseconds and an EINTR never cut it short.
  using SteadyClock = std::chrono::steady_clock;
  const SteadyClock::time_point deadline = SteadyClock::now() + delay;
  pollfd wake{wake_pipe_[0], POLLIN, 0};
  for (auto now = SteadyClock::now(); now < deadline && !stopping_.load(); now = SteadyClock::now()) {
    const auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    if (::poll(&wake, 1, static_cast<int>(remaining.count())) > 0) {
      break;  // woken by stop()
    }
  }
  return !stopping_.load();
}

void NearSubscriber::run() {
  auto delay = options_.reconnect_delay;
  // Ends when the subscriber is destroyed; every pass but the first waits at least `delay`.
  while (!stopping_.load()) {
    const auto ended = listen();
    near_.set_live(false);
    client_id_.store(0);
    if (stopping_.load()) {
      break;
    }
    if (!outage_reported_) {
      log::warn("near cache bypassed: its invalidation subscriber lost redis",
                {{"error", ended.error}, {"retry_ms", static_cast<std::int64_t>(delay.count())}});
      outage_reported_ = true;
    }
    delay = ended.subscribed ? options_.reconnect_delay : std::min(delay * 2, kMaxReconnectDelay);
    if (!pause(delay)) {
      break;
    }
  }
}

// One subscription: connects, subscribes, marks the near cache live, then applies messages until
// the connection fails or the subscriber is destroyed.
NearSubscriber::Ended NearSubscriber::listen() {
  auto connected = connect_();
  if (!connected.context) {
    return {false, connected.error};
  }
  redisContext* c = connected.context.get();
  if (Reply id = command(c, {"CLIENT", "ID"}); id && id->type == REDIS_REPLY_INTEGER) {
    client_id_.store(id->integer);
  }
  Reply confirmed = command(c, {"SUBSCRIBE", options_.channel});
  if (!confirmed || confirmed->type != REDIS_REPLY_ARRAY) {
    return {false, confirmed ? std::string("SUBSCRIBE refused") : std::string(c->errstr)};
  }
  // Counted before the near cache goes live, so that whoever waits for it to be live sees the
  // subscription counted (a test waits for live, then reads the count).
  subscriptions_.fetch_add(1, std::memory_order_release);
  near_.set_live(true);
  metrics_.increment(kSubscriptions);
  if (outage_reported_) {
    log::info("near cache in use again: invalidation subscriber subscribed");
    outage_reported_ = false;
  }
  auto now = std::chrono::steady_clock::now();
  auto next_ping = now + kPingInterval;
  // A PING is outstanding since ping_sent (not std::optional: GCC 12 warns it may be unset).
  bool awaiting_pong = false;
  auto ping_sent = now;
  // Ends when the connection fails or the subscriber is destroyed.
  for (;;) {
    void* raw = nullptr;
    // Every reply already read is applied before waiting again.
    while (redisGetReplyFromReader(c, &raw) == REDIS_OK && raw != nullptr) {
      Reply reply(static_cast<redisReply*>(raw));
      raw = nullptr;
      awaiting_pong = false;  // anything heard proves the connection
      apply(*reply);
    }
    if (c->err != 0) {
      return {true, c->errstr};
    }
    now = std::chrono::steady_clock::now();
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_ping - now);
    std::array<pollfd, 2> fds{pollfd{c->fd, POLLIN, 0}, pollfd{wake_pipe_[0], POLLIN, 0}};
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<std::int64_t>(wait.count(), 0)));
    if (ready < 0 && errno != EINTR) {
      return {true, "poll failed"};
    }
    if (stopping_.load() || fds[1].revents != 0) {
      return {true, "stopping"};
    }
    if (fds[0].revents != 0) {
      if (redisBufferRead(c) != REDIS_OK) {
        return {true, c->errstr};
      }
      continue;
    }
    now = std::chrono::steady_clock::now();
    if (now < next_ping) {
      continue;
    }
    if (awaiting_pong && now - ping_sent >= kPongTimeout) {
      return {true, "no answer to PING"};
    }
    if (!awaiting_pong) {
      if (!send_ping(c)) {
        return {true, c->errstr};
      }
      awaiting_pong = true;
      ping_sent = now;
    }
    next_ping = now + kPingInterval;
  }
}

// A reply on the subscribed connection: a message to apply and acknowledge, or a PING's answer.
void NearSubscriber::apply(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 3 || reply.element[0]->type != REDIS_REPLY_STRING ||
      std::string_view(reply.element[0]->str, reply.element[0]->len) != "message" ||
      reply.element[2]->type != REDIS_REPLY_STRING) {
    return;
  }
  const auto message =
      parse_near_message(std::string_view(reply.element[2]->str, reply.element[2]->len), options_.value_prefix);
  if (message.all) {
    near_.clear();
  } else {
    near_.drop(message.keys);
  }
  if (!message.ack.empty()) {
    acknowledge(message.ack);
  }
}

// After the drop: the writer returns once it has every acknowledgement. A failed one only makes the
// writer wait its timeout; one retry on a fresh connection covers a connection Redis closed.
void NearSubscriber::acknowledge(const std::string& list) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!ack_connection_) {
      ack_connection_ = connect_().context;
      if (!ack_connection_) {
        return;
      }
    }
    Reply r = command(ack_connection_.get(), {"EVAL", kAckScript, "1", list, kAckListLifetimeMs});
    if (r && r->type != REDIS_REPLY_ERROR) {
      return;
    }
    ack_connection_.reset();
  }
}

}  // namespace ecom::cache::detail
