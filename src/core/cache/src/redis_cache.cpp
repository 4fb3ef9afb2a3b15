#include "hiredis_client.hpp"
#include "near_subscriber.hpp"

#include <ecom/cache/redis_cache.hpp>
#include <ecom/platform/log.hpp>
#include <ecom/platform/metrics.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <vector>

namespace ecom::cache {
namespace {

using detail::classify;
using detail::command;
using detail::Connected;
using detail::Context;
using detail::pipeline;
using detail::Reply;
using detail::Result;
using detail::to_timeval;

const std::string kHits = "cache_hits_total{backend=\"redis\"}";
const std::string kMisses = "cache_misses_total{backend=\"redis\"}";
const std::string kErrors = "cache_errors_total{backend=\"redis\"}";
const std::string kRejected = "cache_breaker_rejections_total{backend=\"redis\"}";
const std::string kPoolWaits = "cache_pool_timeouts_total{backend=\"redis\"}";
const std::string kDeferred = "cache_invalidations_deferred_total{backend=\"redis\"}";
const std::string kAckTimeouts = "cache_near_ack_timeouts_total{backend=\"redis\"}";

// Refuses the write when the key or one of its tags was invalidated within the guard window (the
// value may predate the change), then stores it and files it under each tag. A tag set's expiry
// is only ever extended, so it outlives every value it lists.
// KEYS: value, key guard, then (tag set, tag guard) per tag. ARGV: value, ttl in ms.
constexpr std::string_view kSetScript = R"lua(
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
for i = 3, #KEYS, 2 do
  if redis.call('EXISTS', KEYS[i + 1]) == 1 then return 0 end
end
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
for i = 3, #KEYS, 2 do
  redis.call('SADD', KEYS[i], KEYS[1])
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1
)lua";

// The invalidation scripts also tell the near caches, in the same atomic step as the deletion, so
// no read can see the deletion in Redis and still find the old value near. The message is the
// acknowledgement list's name, a newline, then each deleted value key as <length>:<bytes>, or "*"
// for everything (detail::parse_near_message). They return how many subscribers received it.
//
// The key's message goes out even when DEL found nothing: a near copy may outlive an expired value
// by the round trip that read it. The guard is written with pcall: a Redis at maxmemory refuses the
// SET but not the DEL, and the deletion is what matters.
// KEYS: value, key guard. ARGV: guard in ms (0: none), near channel, acknowledgement list.
constexpr std::string_view kInvalidateKeyScript = R"lua(
redis.call('DEL', KEYS[1])
if tonumber(ARGV[1]) > 0 then redis.pcall('SET', KEYS[2], '1', 'PX', ARGV[1]) end
return redis.call('PUBLISH', ARGV[2], ARGV[3] .. '\n' .. #KEYS[1] .. ':' .. KEYS[1])
)lua";

// One script, so that a value stored under the tag meanwhile cannot slip between SMEMBERS and DEL.
// A tag set that is gone took its members' lifetimes with it, so nothing near needs telling then.
// KEYS: tag set, tag guard. ARGV: guard in ms (0: none), near channel, acknowledgement list, the
// most keys one message names.
constexpr std::string_view kInvalidateTagScript = R"lua(
local members = redis.call('SMEMBERS', KEYS[1])
for i = 1, #members, 500 do
  redis.call('DEL', unpack(members, i, math.min(i + 499, #members)))
end
redis.call('DEL', KEYS[1])
if tonumber(ARGV[1]) > 0 then redis.pcall('SET', KEYS[2], '1', 'PX', ARGV[1]) end
if #members == 0 then return 0 end
local parts = {ARGV[3], '\n'}
if #members > tonumber(ARGV[4]) then
  parts[3] = '*'
else
  for i = 1, #members do
    parts[#parts + 1] = #members[i] .. ':' .. members[i]
  end
end
return redis.call('PUBLISH', ARGV[2], table.concat(parts))
)lua";

// Invalidations kept while Redis is unreachable; beyond this the whole namespace is flushed.
constexpr std::size_t kMaxPendingInvalidations = 10'000;
// SCAN rounds of a namespace flush (1000 keys each): bounds a flush to ten million keys.
constexpr int kMaxFlushScans = 10'000;

std::string glob_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

std::string random_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string id(16, '0');
  auto v = rng();
  for (auto& c : id) {
    c = kHex[v & 0xFU];
    v >>= 4U;
  }
  return id;
}

int parse_int(std::string_view text, std::string_view what) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    throw std::invalid_argument("bad " + std::string(what) + " in the Redis URL");
  }
  return value;
}

}  // namespace

// Messages never quote the URL: it may hold a password.
RedisAddress parse_redis_url(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  if (!url.starts_with(kScheme)) {
    throw std::invalid_argument("a Redis URL starts with redis:// (TLS is not supported)");
  }
  RedisAddress address;
  std::string_view rest = url.substr(kScheme.size());
  std::string_view path;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      address.user = std::string(userinfo.substr(0, colon));
      address.password = std::string(userinfo.substr(colon + 1));
    } else {
      address.password = std::string(userinfo);
    }
  }
  std::string_view port;
  if (rest.starts_with('[')) {  // [::1]:6379
    auto close = rest.find(']');
    if (close == std::string_view::npos) {
      throw std::invalid_argument("unclosed '[' in the Redis URL");
    }
    address.host = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) {
      throw std::invalid_argument("bad port in the Redis URL");
    }
    port = rest.empty() ? std::string_view() : rest.substr(1);
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    address.host = std::string(rest.substr(0, colon));
    port = rest.substr(colon + 1);
  } else {
    address.host = std::string(rest);
  }
  if (address.host.empty()) {
    throw std::invalid_argument("no host in the Redis URL");
  }
  if (!port.empty()) {
    address.port = parse_int(port, "port");
    if (address.port == 0 || address.port > 65535) {
      throw std::invalid_argument("bad port in the Redis URL");
    }
  }
  if (!path.empty()) {
    address.database = parse_int(path, "database number");
  }
  return address;
}

std::string RedisKeys::value(std::string_view key) const {
  return prefix + "k:" + std::string(key);
}
std::string RedisKeys::tag(std::string_view tag) const {
  return prefix + "t:" + std::string(tag);
}
std::string RedisKeys::key_guard(std::string_view key) const {
  return prefix + "g:k:" + std::string(key);
}
std::string RedisKeys::tag_guard(std::string_view tag) const {
  return prefix + "g:t:" + std::string(tag);
}
std::string RedisKeys::near_channel() const {
  return prefix + "near";
}

struct RedisCache::Impl {
  RedisOptions options;
  RedisAddress address;
  RedisKeys keys;
  metrics::Registry& metrics;
  CircuitBreaker breaker;
  std::string guard_ms;

  // The pool: idle connections (a null context connects on first use), handed out LIFO so that
  // the warm ones are reused.
  std::mutex pool_mutex;
  std::condition_variable pool_cv;
  std::vector<Context> idle;

  // Invalidations that could not reach Redis, applied before anything else once it answers again.
  enum class Kind { key, tag };
  struct Pending {
    Kind kind;
    std::string name;
  };
  std::mutex pending_mutex;
  std::deque<Pending> pending;
  bool flush_needed = false;  // the queue overflowed: flush the whole namespace instead
  std::atomic<bool> has_pending{false};
  std::mutex replay_mutex;  // one replay at a time; other callers wait for it before reading

  std::atomic<std::uint64_t> hits{0}, misses{0}, errors{0}, rejected{0}, pool_waits{0}, connects{0};

  // The near cache; its subscriber thread starts with the first get_near.
  NearCache near;
  const std::string near_channel;
  const std::string max_keys_per_message = std::to_string(kNearMaxKeysPerMessage);
  std::atomic<std::uint64_t> near_acks{0}, near_ack_timeouts{0};
  // Last: it is stopped first, while everything it uses is still there.
  std::optional<detail::NearSubscriber> subscriber;

  Impl(RedisOptions o, metrics::Registry& m)
      : options(std::move(o)),
        address(parse_redis_url(options.url)),
        keys{options.key_prefix},
        metrics(m),
        breaker(options.breaker_failures, options.breaker_open, options.clock),
        guard_ms(std::to_string(std::max<std::int64_t>(options.invalidation_guard.count(), 0))),
        near(options.near),
        near_channel(keys.near_channel()) {
    if (!options.password.empty()) {
      address.password = options.password;
    }
    idle.resize(std::max<std::size_t>(options.pool_size, 1));
    if (near.enabled()) {
      subscriber.emplace(
          near, [this] { return connect(false); },
          detail::NearSubscriber::Options{near_channel, keys.value(""), options.near_reconnect_delay}, metrics);
    }
  }

  void count_error() {
    errors.fetch_add(1, std::memory_order_relaxed);
    metrics.increment(kErrors);
  }

  // pooled: counted in Stats::connects (the subscriber's connections are not).
  Connected connect(bool pooled = true) {
    Context c(redisConnectWithTimeout(address.host.c_str(), address.port, to_timeval(options.connect_timeout)));
    if (!c || c->err != 0) {
      return {nullptr, c ? c->errstr : "cannot allocate a Redis context"};
    }
    if (pooled) {
      connects.fetch_add(1, std::memory_order_relaxed);
    }
    redisSetTimeout(c.get(), to_timeval(options.command_timeout));
    redisEnableKeepAlive(c.get());
    std::string error;
    auto setup = [&](const std::vector<std::string_view>& args) {
      Reply r = command(c.get(), args);
      if (!r || r->type == REDIS_REPLY_ERROR) {
        error = r ? std::string(r->str, r->len) : std::string(c->errstr);
        return false;
      }
      return true;
    };
    if (!address.password.empty()) {
      bool ok =
          address.user.empty() ? setup({"AUTH", address.password}) : setup({"AUTH", address.user, address.password});
      if (!ok) {
        return {nullptr, "AUTH: " + error};
      }
    }
    if (address.database != 0 && !setup({"SELECT", std::to_string(address.database)})) {
      return {nullptr, "SELECT: " + error};
    }
    return {std::move(c), {}};
  }

  // Runs fn(redisContext*) -> Result on a pooled connection under the breaker. Returns false when
  // the call did not succeed (refused, failed, or an error reply); fn's own outputs are then unset.
  template <class Fn>
  bool use(Fn&& fn) {
    const auto permit = breaker.acquire();
    if (permit == CircuitBreaker::Permit::rejected) {
      rejected.fetch_add(1, std::memory_order_relaxed);
      metrics.increment(kRejected);
      return false;
    }
    Context c;
    {
      std::unique_lock lock(pool_mutex);
      if (!pool_cv.wait_for(lock, options.command_timeout, [&] { return !idle.empty(); })) {
        lock.unlock();
        breaker.on_abandon(permit);
        pool_waits.fetch_add(1, std::memory_order_relaxed);
        metrics.increment(kPoolWaits);
        return false;
      }
      c = std::move(idle.back());
      idle.pop_back();
    }
    // Whatever happens below, the slot goes back to the pool: as a live connection, or empty.
    struct Return {
      Impl& self;
      Context& c;
      ~Return() {
        {
          std::lock_guard lock(self.pool_mutex);
          self.idle.push_back(std::move(c));
        }
        self.pool_cv.notify_one();
      }
    } give_back{*this, c};

    std::string error;
    Result result = Result::ok;
    if (!c) {
      auto connected = connect();
      c = std::move(connected.context);
      error = std::move(connected.error);
      if (!c) {
        result = Result::broken;
      }
    }
    if (result == Result::ok && has_pending.load()) {
      result = replay(c.get());
    }
    if (result == Result::ok) {
      result = fn(c.get());
    }
    if (result == Result::broken && c && c->err != 0) {
      error = c->errstr;
    }
    if (result == Result::broken) {
      c.reset();  // a connection that failed may hold half a reply: never reuse it
      count_error();
      if (breaker.on_failure()) {
        log::warn("redis unreachable: cache bypassed",
                  {{"error", error.empty() ? std::string("server not ready") : error},
                   {"open_ms", static_cast<std::int64_t>(options.breaker_open.count())}});
      }
      return false;
    }
    if (breaker.on_success()) {
      log::info("redis reachable again: cache in use");
    }
    if (result == Result::error_reply) {
      count_error();
      return false;
    }
    return true;
  }

  // Remembers an invalidation that did not reach Redis.
  //
  // Why: if Redis was unreachable but kept its data (a network cut, a stall, a restart that
  // reloaded a snapshot), the entry we failed to delete is still there when it comes back, and
  // would be served until its TTL ends. If Redis restarted empty the replay is a harmless no-op, but
  // we cannot tell the two apart from here, so we always replay, before this process reads anything
  // again (use() replays first, and other callers wait for the replay). A queue that overflows is
  // replaced by a flush of our whole namespace. What this cannot cover: a process that dies while
  // holding deferred invalidations, and other processes that still reach Redis meanwhile (they
  // read the old entry until the replay or its TTL). Entries are therefore cached with TTLs short
  // enough to bound that.
  void defer(Kind kind, std::string_view name) {
    {
      std::lock_guard lock(pending_mutex);
      if (!flush_needed) {
        if (pending.size() >= kMaxPendingInvalidations) {
          pending.clear();
          flush_needed = true;
        } else {
          pending.push_back(Pending{kind, std::string(name)});
        }
      }
      has_pending.store(true);
    }
    metrics.increment(kDeferred);
    log::warn("cache invalidation deferred until redis answers",
              {{"kind", kind == Kind::key ? "key" : "tag"}, {"name", name}});
  }

  Result invalidate_on(redisContext* c, Kind kind, std::string_view name) {
    const std::string ack = keys.prefix + "near:ack:" + random_id();
    Reply r = kind == Kind::key ? command(c, {"EVAL", kInvalidateKeyScript, "2", keys.value(name), keys.key_guard(name),
                                              guard_ms, near_channel, ack})
                                : command(c, {"EVAL", kInvalidateTagScript, "2", keys.tag(name), keys.tag_guard(name),
                                              guard_ms, near_channel, ack, max_keys_per_message});
    if (Result result = classify(r); result != Result::ok) {
      return result;
    }
    return await_acks(c, ack, r->type == REDIS_REPLY_INTEGER ? r->integer : 0, name);
  }

  // Tells every near cache to drop everything (after a namespace flush).
  Result publish_clear_all(redisContext* c) {
    const std::string ack = keys.prefix + "near:ack:" + random_id();
    Reply r = command(c, {"PUBLISH", near_channel, ack + "\n*"});
    if (Result result = classify(r); result != Result::ok) {
      return result;
    }
    return await_acks(c, ack, r->type == REDIS_REPLY_INTEGER ? r->integer : 0, "*");
  }

  // Waits, at most near_ack_timeout, until `expected` near caches acknowledged an invalidation.
  // One that does not in time is counted and logged, not an error: the deletion in Redis is done.
  Result await_acks(redisContext* c, const std::string& list, long long expected, std::string_view name) {
    if (expected <= 0) {
      return Result::ok;
    }
    // One steady clock for the deadline and every check against it. The remaining time is rounded
    // up, never down: a wait cut to whole milliseconds would otherwise stop up to 1 ms short of
    // the bound (and BLPOP 0 would block forever). Redis times its own BLPOP, so a reply of
    // "nothing yet" before our deadline only sends us round again.
    using SteadyClock = std::chrono::steady_clock;
    const SteadyClock::time_point deadline = SteadyClock::now() + options.near_ack_timeout;
    // Each BLPOP stays well within the connection's read timeout.
    const auto longest = std::max(options.command_timeout / 2, std::chrono::milliseconds(1));
    long long received = 0;
    // Bounded by expected acknowledgements and by the deadline.
    for (auto now = SteadyClock::now(); received < expected && now < deadline; now = SteadyClock::now()) {
      const auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
      const auto wait = std::min(remaining, longest);
      Reply r = command(c, {"BLPOP", list, std::to_string(static_cast<double>(wait.count()) / 1000.0)});
      if (Result result = classify(r); result != Result::ok) {
        return result;
      }
      if (r->type == REDIS_REPLY_ARRAY) {
        ++received;
      }
    }
    near_acks.fetch_add(static_cast<std::uint64_t>(received), std::memory_order_relaxed);
    if (received < expected) {
      near_ack_timeouts.fetch_add(1, std::memory_order_relaxed);
      metrics.increment(kAckTimeouts);
      log::warn(
          "near caches did not all acknowledge an invalidation in time; they may serve the old value "
          "until they read it or their copy expires",
          {{"name", name},
           {"expected", static_cast<std::int64_t>(expected)},
           {"received", static_cast<std::int64_t>(received)},
           {"timeout_ms", static_cast<std::int64_t>(options.near_ack_timeout.count())}});
    }
    return Result::ok;
  }

  void start_subscriber() {
    if (subscriber) {
      subscriber->start();
    }
  }

  Result flush_namespace(redisContext* c) {
    const std::string pattern = glob_escape(options.key_prefix) + "*";
    std::string cursor = "0";
    for (int round = 0; round < kMaxFlushScans; ++round) {
      Reply r = command(c, {"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
      if (classify(r) != Result::ok) {
        return classify(r);
      }
      if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
        return Result::error_reply;
      }
      cursor.assign(r->element[0]->str, r->element[0]->len);
      const redisReply* batch = r->element[1];
      if (batch->elements > 0) {
        std::vector<std::string_view> args{"UNLINK"};
        for (std::size_t i = 0; i < batch->elements; ++i) {
          args.emplace_back(batch->element[i]->str, batch->element[i]->len);
        }
        if (Result deleted = classify(command(c, args)); deleted != Result::ok) {
          return deleted;
        }
      }
      if (cursor == "0") {
        log::warn("cache namespace flushed after too many deferred invalidations", {{"prefix", options.key_prefix}});
        return publish_clear_all(c);
      }
    }
    log::error("cache namespace flush stopped before the end", {{"prefix", options.key_prefix}});
    return publish_clear_all(c);
  }

  Result replay(redisContext* c) {
    std::lock_guard replaying(replay_mutex);
    if (!has_pending.load()) {
      return Result::ok;  // another caller replayed while we waited
    }
    std::deque<Pending> work;
    bool flush = false;
    {
      std::lock_guard lock(pending_mutex);
      work.swap(pending);
      std::swap(flush, flush_needed);
      has_pending.store(false);
    }
    Result result = flush ? flush_namespace(c) : Result::ok;
    if (result == Result::ok) {
      flush = false;
    }
    std::size_t next = 0;
    while (result == Result::ok && next < work.size()) {
      result = invalidate_on(c, work[next].kind, work[next].name);
      if (result == Result::ok) {
        ++next;
      }
    }
    if (result != Result::ok) {
      // Put back what was not applied, ahead of anything deferred meanwhile.
      std::lock_guard lock(pending_mutex);
      for (std::size_t i = work.size(); i > next; --i) {
        pending.push_front(std::move(work[i - 1]));
      }
      flush_needed = flush_needed || flush;
      has_pending.store(true);
      return result;
    }
    log::info("deferred cache invalidations applied", {{"count", work.size()}, {"flushed", flush}});
    return Result::ok;
  }
};

RedisCache::RedisCache(RedisOptions options, metrics::Registry& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), metrics)) {}

RedisCache::~RedisCache() = default;

std::optional<std::string> RedisCache::get(std::string_view key) {
  const std::string name = impl_->keys.value(key);
  std::optional<std::string> value;
  impl_->use([&](redisContext* c) {
    Reply r = command(c, {"GET", name});
    Result result = classify(r);
    if (result == Result::ok && r->type == REDIS_REPLY_STRING) {
      value.emplace(r->str, r->len);
    }
    return result;
  });
  if (value) {
    impl_->hits.fetch_add(1, std::memory_order_relaxed);
    impl_->metrics.increment(kHits);
  } else {
    impl_->misses.fetch_add(1, std::memory_order_relaxed);
    impl_->metrics.increment(kMisses);
  }
  return value;
}

void RedisCache::set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl, const Tags& tags) {
  if (ttl.count() <= 0) {
    return;
  }
  const auto& k = impl_->keys;
  std::vector<std::string> names{k.value(key), k.key_guard(key)};
  for (const auto& tag : tags) {
    names.push_back(k.tag(tag));
    names.push_back(k.tag_guard(tag));
  }
  const std::string key_count = std::to_string(names.size());
  const std::string ttl_ms = std::to_string(ttl.count());
  std::vector<std::string_view> args{"EVAL", kSetScript, key_count};
  args.insert(args.end(), names.begin(), names.end());
  args.push_back(value);
  args.push_back(ttl_ms);
  impl_->use([&](redisContext* c) { return classify(command(c, args)); });
}

// A deferred invalidation clears this process's near cache at once: this process reads its own
// change whatever Redis does (the others learn of it when the replay publishes it).
void RedisCache::invalidate(std::string_view key) {
  if (!impl_->use([&](redisContext* c) { return impl_->invalidate_on(c, Impl::Kind::key, key); })) {
    impl_->near.clear();
    impl_->defer(Impl::Kind::key, key);
  }
}

void RedisCache::invalidate_tag(std::string_view tag) {
  if (!impl_->use([&](redisContext* c) { return impl_->invalidate_on(c, Impl::Kind::tag, tag); })) {
    impl_->near.clear();
    impl_->defer(Impl::Kind::tag, tag);
  }
}

std::optional<std::int64_t> RedisCache::increment(std::string_view key, std::chrono::milliseconds ttl) {
  const std::string name = impl_->keys.value(key);
  const auto ms = std::to_string(std::max<long long>(1, ttl.count()));
  std::optional<std::int64_t> count;
  impl_->use([&](redisContext* c) {
    auto replies = pipeline(c, {{"SET", name, "0", "PX", ms, "NX"}, {"INCR", name}});
    if (replies.size() != 2) {
      return Result::broken;
    }
    for (const auto& r : replies) {
      if (Result result = classify(r); result != Result::ok) {
        return result;
      }
    }
    if (replies[1]->type == REDIS_REPLY_INTEGER) {
      count = replies[1]->integer;
    }
    return Result::ok;
  });
  return count;
}

std::optional<std::string> RedisCache::get_near(std::string_view key) {
  auto& near = impl_->near;
  if (!near.enabled()) {
    return get(key);
  }
  impl_->start_subscriber();
  // Before the read: an invalidation applied here after this point makes the fill below refuse.
  const auto ticket = near.ticket();
  const std::string name = impl_->keys.value(key);
  std::optional<std::string> value;
  long long pttl = -2;
  std::chrono::steady_clock::time_point sent;
  impl_->use([&](redisContext* c) {
    // Measured from before the request: Redis counted the TTL from a later moment, so the copy
    // expires no later than the original.
    sent = near.options().clock();
    auto replies = pipeline(c, {{"GET", name}, {"PTTL", name}});
    if (replies.size() != 2) {
      return Result::broken;
    }
    for (const auto& r : replies) {
      if (Result result = classify(r); result != Result::ok) {
        return result;
      }
    }
    if (replies[0]->type == REDIS_REPLY_STRING) {
      value.emplace(replies[0]->str, replies[0]->len);
    }
    if (replies[1]->type == REDIS_REPLY_INTEGER) {
      pttl = replies[1]->integer;
    }
    return Result::ok;
  });
  if (!value) {
    impl_->misses.fetch_add(1, std::memory_order_relaxed);
    impl_->metrics.increment(kMisses);
    return value;
  }
  impl_->hits.fetch_add(1, std::memory_order_relaxed);
  impl_->metrics.increment(kHits);
  if (pttl == -2) {
    return value;  // expired between GET and PTTL
  }
  if (impl_->options.near_fill_hook) {
    impl_->options.near_fill_hook();
  }
  auto ttl = near.options().ttl;
  if (pttl >= 0) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(near.options().clock() - sent);
    ttl = std::min(ttl, std::chrono::milliseconds(pttl) - elapsed);
  }
  near.fill(key, *value, ttl, ticket);
  return value;
}

std::optional<std::string> RedisCache::peek(std::string_view key) {
  if (!impl_->near.enabled()) {
    return std::nullopt;
  }
  return impl_->near.get(key);
}

bool RedisCache::await_near_subscribed(std::chrono::milliseconds timeout) {
  if (!impl_->near.enabled()) {
    return false;
  }
  impl_->start_subscriber();
  return impl_->near.wait_live(true, timeout);
}

NearCache::Stats RedisCache::near_stats() const {
  return impl_->near.stats();
}

bool RedisCache::healthy() const {
  return impl_->breaker.state() == CircuitBreaker::State::closed;
}

RedisCache::Stats RedisCache::stats() const {
  Stats s;
  s.hits = impl_->hits.load();
  s.misses = impl_->misses.load();
  s.errors = impl_->errors.load();
  s.rejected = impl_->rejected.load();
  s.pool_waits = impl_->pool_waits.load();
  s.connects = impl_->connects.load();
  {
    std::lock_guard lock(impl_->pending_mutex);
    s.pending_invalidations = impl_->pending.size() + (impl_->flush_needed ? 1 : 0);
  }
  s.breaker = impl_->breaker.state();
  s.near_acks = impl_->near_acks.load();
  s.near_ack_timeouts = impl_->near_ack_timeouts.load();
  s.near_subscribes = impl_->subscriber ? impl_->subscriber->subscriptions() : 0;
  s.near_client_id = impl_->subscriber ? impl_->subscriber->client_id() : 0;
  return s;
}

}  // namespace ecom::cache
