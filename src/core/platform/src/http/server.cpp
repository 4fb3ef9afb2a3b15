// The only translation unit that sees Beast: sessions, limits, the accept loop and shutdown.
#include "http/pool.hpp"

#include <ecom/platform/http/allowed_hosts.hpp>
#include <ecom/platform/http/client_ip.hpp>
#include <ecom/platform/http/problem.hpp>
#include <ecom/platform/http/server.hpp>
#include <ecom/platform/log.hpp>
#include <ecom/platform/process.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace ecom::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

void declare_server_config(config::Schema& schema, std::string_view default_address, std::int64_t default_port,
                           std::int64_t default_ops_port) {
  const ServerOptions d;
  const DispatcherOptions dd;
  auto ms = [](std::chrono::milliseconds v) { return static_cast<std::int64_t>(v.count()); };
  auto sz = [](std::size_t v) { return static_cast<std::int64_t>(v); };
  schema.string("http.address", std::string(default_address), "address to listen on")
      .integer("http.port", default_port, 0, 65535, "TCP port to listen on (0 = any free port)")
      .string("http.ops_address", "127.0.0.1",
              "address of the operations listener (/metrics, /readyz with dependency names); keep it private")
      .integer("http.ops_port", default_ops_port, 0, 65535, "TCP port of the operations listener (0 = any free port)")
      .integer("http.io_threads", 0, 0, 256, "I/O threads accepting, parsing and writing (0 = one per core)")
      .integer("http.pool_threads", sz(d.pool_threads), 1, 1024, "threads for handlers that block (database, cache)")
      .integer("http.pool_queue", sz(d.pool_queue), 0, 100000,
               "blocking requests that may wait beyond the busy threads; more get 503 + Retry-After")
      .integer("http.max_header_bytes", sz(d.max_header_bytes), 1024, 1024 * 1024,
               "largest request header accepted (431 beyond)")
      .integer("http.max_body_bytes", sz(d.max_body_bytes), 0, std::int64_t{1} << 32,
               "largest request body accepted (413 beyond)")
      .integer("http.max_get_body_bytes", sz(d.max_get_body_bytes), 0, std::int64_t{1} << 32,
               "largest body accepted on GET, HEAD, OPTIONS and DELETE requests, whose bodies no route reads "
               "(413 beyond)")
      .integer("http.max_connections", sz(d.max_connections), 1, 1'000'000,
               "open client connections; beyond it new ones get 503 and are closed")
      .integer("http.max_connections_per_address", 0, 0, 1'000'000,
               "open connections from one client address (trusted proxies excepted); 0 = no cap")
      .integer("http.rate_limit_per_minute", 0, 0, 1'000'000,
               "requests a client address may make a minute (static files excepted); beyond: 429; 0 = no limit")
      .integer("http.rate_limit_burst", 0, 0, 1'000'000,
               "requests a client address may make at once before the per-minute rate applies (0 = the rate)")
      .integer("http.read_header_timeout_ms", ms(d.read_header_timeout), 100, 600'000,
               "time a client has to send a whole request header")
      .integer("http.body_timeout_ms", ms(d.body_timeout), 100, 3'600'000, "time a client has to send the body")
      .integer("http.idle_timeout_ms", ms(d.idle_timeout), 100, 3'600'000,
               "time a keep-alive connection may wait for its next request")
      .integer("http.write_timeout_ms", ms(d.write_timeout), 100, 3'600'000, "time to write a response")
      .integer("http.shutdown_timeout_ms", ms(d.shutdown_timeout), 0, 600'000,
               "on SIGTERM, time in-flight requests get to finish")
      .string_list("http.trusted_proxies", {},
                   "addresses or CIDR networks of proxies whose X-Forwarded-For is believed")
      .string_list("http.allowed_hosts", {},
                   "host names (host, host:port or an http(s) origin) the server answers to besides localhost, "
                   "127.0.0.1 and [::1]; a request for any other Host gets 400")
      .string_list("http.cors_origins", {}, "origins allowed to call the API from a browser (\"*\" for any)")
      .string("http.content_security_policy", dd.content_security_policy, "default Content-Security-Policy header")
      .boolean("http.access_log", true, "write one log line per request");
}

ServerOptions server_options_from(const config::Config& config, std::string name) {
  ServerOptions o;
  auto size = [&](std::string_view key) { return static_cast<std::size_t>(config.integer(key)); };
  auto ms = [&](std::string_view key) { return std::chrono::milliseconds(config.integer(key)); };
  o.name = name;
  o.address = config.string("http.address");
  o.port = static_cast<std::uint16_t>(config.integer("http.port"));
  o.ops = ServerOptions::OpsListener{config.string("http.ops_address"),
                                     static_cast<std::uint16_t>(config.integer("http.ops_port"))};
  o.io_threads = size("http.io_threads");
  o.pool_threads = size("http.pool_threads");
  o.pool_queue = size("http.pool_queue");
  o.max_header_bytes = size("http.max_header_bytes");
  o.max_body_bytes = size("http.max_body_bytes");
  o.max_get_body_bytes = size("http.max_get_body_bytes");
  o.max_connections = size("http.max_connections");
  o.max_connections_per_address = size("http.max_connections_per_address");
  o.dispatcher.rate_limit = RateLimit{static_cast<std::uint32_t>(config.integer("http.rate_limit_per_minute")),
                                      static_cast<std::uint32_t>(config.integer("http.rate_limit_burst"))};
  o.read_header_timeout = ms("http.read_header_timeout_ms");
  o.body_timeout = ms("http.body_timeout_ms");
  o.idle_timeout = ms("http.idle_timeout_ms");
  o.write_timeout = ms("http.write_timeout_ms");
  o.shutdown_timeout = ms("http.shutdown_timeout_ms");
  o.trusted_proxies = config.string_list("http.trusted_proxies");
  o.allowed_hosts = config.string_list("http.allowed_hosts");
  o.dispatcher.server_name = std::move(name);
  o.dispatcher.cors_origins = config.string_list("http.cors_origins");
  o.dispatcher.content_security_policy = config.string("http.content_security_policy");
  o.dispatcher.access_log = config.boolean("http.access_log");
  // Checked here rather than at first request so that a bad entry stops start-up.
  try {
    TrustedProxies check(o.trusted_proxies);
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(std::string("http.trusted_proxies: ") + e.what());
  }
  try {
    AllowedHosts check(o.allowed_hosts);
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(std::string("http.allowed_hosts: ") + e.what());
  }
  return o;
}

namespace {

// RFC 9110 Date; formatted once per second per thread.
std::string_view http_date() {
  thread_local std::time_t cached_second = 0;
  thread_local std::array<char, 64> buffer{};
  thread_local std::size_t length = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    length = std::strftime(buffer.data(), buffer.size(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return {buffer.data(), length};
}

// Runs fn on the pool and resumes the awaiting coroutine on its own executor with the result.
// Completes with accepted=false at once when the pool is full.
template <typename Token>
auto run_blocking(BlockingPool& pool, std::function<Response()> fn, Token&& token) {
  auto init = [&pool](auto handler, std::function<Response()> work) {
    auto shared_handler = std::make_shared<decltype(handler)>(std::move(handler));
    auto ex = asio::get_associated_executor(*shared_handler);
    bool accepted = pool.try_submit([shared_handler, ex, work = std::move(work)]() {
      Response r = work();
      asio::post(ex, [shared_handler, r = std::move(r)]() mutable { (*shared_handler)(true, std::move(r)); });
    });
    if (!accepted) {
      asio::post(ex, [shared_handler]() mutable { (*shared_handler)(false, Response{}); });
    }
  };
  return asio::async_initiate<Token, void(bool, Response)>(init, token, std::move(fn));
}

// RFC 9112 6.3: when a request's last transfer coding is not chunked, the end of its body cannot
// be known and the request must be refused. Beast 1.81 reads it as a request without a body, which
// leaves the body on the connection to be taken for the next request (smuggling past a proxy).
// Chunked is also the only coding we decode (6.1 would answer 501 to the others), so anything but
// a lone "chunked" is refused with the same 400.
bool transfer_encoding_acceptable(const bhttp::fields& fields) {
  std::size_t codings = 0;
  bool chunked = false;
  for (auto [it, end] = fields.equal_range(bhttp::field::transfer_encoding); it != end; ++it) {
    for (const auto& coding : bhttp::ext_list(it->value())) {
      ++codings;
      chunked = beast::iequals(coding.first, "chunked");
    }
  }
  return codings == 0 || (codings == 1 && chunked);
}

bool is_disconnect(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::operation_aborted || ec == asio::error::broken_pipe || ec == beast::error::timeout ||
         ec == asio::error::bad_descriptor || ec == asio::error::not_connected;
}

// What the client is told about a request that could not be read; nothing when there is nobody to
// tell (the peer went away, or closed an idle connection).
std::optional<core::Error> read_failure(const boost::system::error_code& ec, bool got_some) {
  if (ec == bhttp::error::header_limit) {
    return core::Error(core::ErrorCode::header_too_large, "The request header is too large.");
  }
  if (ec == bhttp::error::body_limit) {
    return core::Error(core::ErrorCode::payload_too_large, "The request body is too large.");
  }
  if (ec == bhttp::error::bad_transfer_encoding) {
    return core::Error(core::ErrorCode::bad_request, "The only Transfer-Encoding accepted is chunked.");
  }
  if (got_some && !is_disconnect(ec) && ec != bhttp::error::partial_message) {
    return core::Error(core::ErrorCode::bad_request, "The request is not valid HTTP.");
  }
  return std::nullopt;
}

}  // namespace

struct Connection {
  Connection(Tcp::socket socket, std::uint64_t conn_id, const Dispatcher& d)
      : stream(std::move(socket)), id(conn_id), dispatcher(&d) {}
  beast::tcp_stream stream;
  std::uint64_t id;
  const Dispatcher* dispatcher;  // the main listener's, or the operations listener's
  std::string peer;
  bool busy = false;     // a request is being handled; only touched on the connection's strand
  bool closing = false;  // shutdown asked this idle connection to close
};

// Open connections, shared with each connection's deleter: coroutine frames (and the connections
// they own) may be destroyed with the io_context after the rest of the server is gone.
struct ConnectionRegistry {
  std::mutex mutex;
  std::condition_variable gone;
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> open;
  // Open connections per client address, for http.max_connections_per_address (only counted
  // when that cap is on; trusted proxies are never counted).
  std::unordered_map<std::string, std::size_t> per_address;
  std::uint64_t next_id = 1;
};

struct Server::Impl {
  Impl(ServerOptions o, Router router, std::shared_ptr<metrics::Registry> m)
      : options(std::move(o)),
        metrics(m ? std::move(m) : std::make_shared<metrics::Registry>()),
        proxies(options.trusted_proxies),
        hosts(options.allowed_hosts),
        io_thread_count(options.io_threads == 0 ? std::max(1U, std::thread::hardware_concurrency())
                                                : options.io_threads),
        ioc(static_cast<int>(io_thread_count)),
        acceptor(ioc),
        ops_acceptor(ioc),
        pool_owner(std::make_shared<BlockingPool>(options.pool_threads, options.pool_queue)),
        pool(*pool_owner) {
    if (options.ops) {
      add_probe_routes(router, false);
      Router ops_router;
      add_probe_routes(ops_router, true);
      add_metrics_route(ops_router);
      auto ops_options = options.dispatcher;
      ops_options.server_name += "-ops";
      ops_options.access_log = false;  // a scrape every few seconds is not news
      ops_dispatcher.emplace(std::move(ops_router), std::move(ops_options), metrics);
    } else {
      add_probe_routes(router, true);
      add_metrics_route(router);
    }
    dispatcher.emplace(std::move(router), options.dispatcher, metrics);
    // The registry may outlive the server (it is shared): gauges hold the pool weakly.
    std::weak_ptr<BlockingPool> weak_pool = pool_owner;
    metrics->gauge("http_pool_queue_depth", "Blocking requests waiting for a pool thread.", [weak_pool] {
      auto p = weak_pool.lock();
      return p ? static_cast<double>(p->queued()) : 0.0;
    });
    metrics->gauge("http_pool_busy_threads", "Pool threads running a blocking handler.", [weak_pool] {
      auto p = weak_pool.lock();
      return p ? static_cast<double>(p->busy()) : 0.0;
    });
  }

  void add_probe_routes(Router& router, bool name_dependencies);
  void add_metrics_route(Router& router);
  [[nodiscard]] Response readiness(bool name_dependencies);
  asio::awaitable<void> accept_loop(Tcp::acceptor& from, const Dispatcher& to);
  asio::awaitable<void> refuse(Tcp::socket socket);
  asio::awaitable<void> session(std::shared_ptr<Connection> conn);
  [[nodiscard]] std::optional<core::Error> accept_request(bhttp::request<bhttp::string_body>& msg,
                                                          const Connection& conn, Request& req) const;
  asio::awaitable<Response> respond(Request& req, const Dispatcher& pipeline);
  asio::awaitable<boost::system::error_code> read_request(Connection& conn, beast::flat_buffer& buffer,
                                                          bhttp::request_parser<bhttp::string_body>& parser,
                                                          bool first);
  [[nodiscard]] bool body_too_large_for_method(bhttp::request_parser<bhttp::string_body>& parser) const;
  asio::awaitable<void> write_and_close(std::shared_ptr<Connection> conn, Request& req, Response res, unsigned version);
  asio::awaitable<bool> write(Connection& conn, const Request& req, Response& res, unsigned version, bool keep_alive);
  void close_idle_connections();

  ServerOptions options;
  std::shared_ptr<metrics::Registry> metrics;
  TrustedProxies proxies;
  AllowedHosts hosts;
  std::optional<Dispatcher> dispatcher;
  std::optional<Dispatcher> ops_dispatcher;
  std::size_t io_thread_count;
  asio::io_context ioc;
  Tcp::acceptor acceptor;
  Tcp::acceptor ops_acceptor;
  std::shared_ptr<BlockingPool> pool_owner;
  BlockingPool& pool;
  std::vector<std::thread> threads;
  std::atomic<bool> draining{false};
  std::atomic<bool> started{false};
  std::once_flag stop_once;
  std::uint16_t bound_port = 0;
  std::uint16_t bound_ops_port = 0;

  std::shared_ptr<ConnectionRegistry> registry = std::make_shared<ConnectionRegistry>();

  std::mutex checks_mutex;
  struct Check {
    std::string name;
    std::function<bool()> check;
    bool required;
  };
  std::vector<Check> checks;
};

Response Server::Impl::readiness(bool name_dependencies) {
  if (draining.load()) {
    Response r = Response::json(503, R"({"status":"shutting down"})");
    r.headers.add("Retry-After", "1");
    return r;
  }
  std::string failing;
  std::string degraded;
  {
    std::lock_guard lock(checks_mutex);
    for (const auto& c : checks) {
      if (!c.check()) {
        auto& list = c.required ? failing : degraded;
        list += (list.empty() ? "\"" : ",\"") + c.name + "\"";
      }
    }
  }
  // The public listener says only whether to send traffic: which dependency is down is for
  // operators, not for anyone who can reach the shop.
  if (!failing.empty()) {
    return Response::json(503, name_dependencies ? R"({"status":"not ready","failing":[)" + failing + "]}"
                                                 : std::string(R"({"status":"not ready"})"));
  }
  if (!degraded.empty()) {
    // An optional dependency (the cache) is down: slower, not broken, so stay in rotation.
    return Response::json(200, name_dependencies ? R"({"status":"degraded","degraded":[)" + degraded + "]}"
                                                 : std::string(R"({"status":"degraded"})"));
  }
  return Response::json(200, R"({"status":"ready"})");
}

void Server::Impl::add_probe_routes(Router& router, bool name_dependencies) {
  RouteOptions inline_route{.execution = Execution::inline_io, .permission = ""};
  router.get(
      "/healthz", [](Request&) { return Response::json(200, R"({"status":"ok"})"); }, inline_route);
  router.get(
      "/readyz", [this, name_dependencies](Request&) { return readiness(name_dependencies); }, inline_route);
}

void Server::Impl::add_metrics_route(Router& router) {
  RouteOptions inline_route{.execution = Execution::inline_io, .permission = ""};
  router.get(
      "/metrics",
      [this](Request&) { return Response::text(200, metrics->render(), "text/plain; version=0.0.4; charset=utf-8"); },
      inline_route);
}

asio::awaitable<void> Server::Impl::accept_loop(Tcp::acceptor& from, const Dispatcher& to) {
  for (;;) {
    auto [ec, socket] = co_await from.async_accept(asio::make_strand(ioc), kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !from.is_open()) {
        co_return;  // shutting down
      }
      // Out of file descriptors and the like: back off briefly instead of spinning.
      log::warn("accept failed", {{"server", options.name}, {"error", ec.message()}});
      asio::steady_timer t(ioc, std::chrono::milliseconds(50));
      co_await t.async_wait(kTuple);
      continue;
    }
    if (draining.load()) {
      co_return;
    }
    boost::system::error_code ignored;
    socket.set_option(Tcp::no_delay(true), ignored);
    const auto ep = socket.remote_endpoint(ignored);
    const std::string peer = ignored ? std::string("unknown") : ep.address().to_string();
    // The per-address cap counts client addresses, never a trusted proxy that carries many clients.
    const std::string counted = options.max_connections_per_address > 0 && !proxies.contains(peer) ? peer : "";
    std::shared_ptr<Connection> conn;
    {
      std::lock_guard lock(registry->mutex);
      const auto here = counted.empty() ? registry->per_address.end() : registry->per_address.find(counted);
      const bool too_many_here =
          here != registry->per_address.end() && here->second >= options.max_connections_per_address;
      if (registry->open.size() >= options.max_connections || too_many_here) {
        metrics->increment(too_many_here ? "http_rejected_total{reason=\"max_connections_per_address\"}"
                                         : "http_rejected_total{reason=\"max_connections\"}");
        auto ex = socket.get_executor();
        asio::co_spawn(ex, refuse(std::move(socket)), asio::detached);
        continue;
      }
      auto id = registry->next_id++;
      conn = std::shared_ptr<Connection>(new Connection(std::move(socket), id, to),
                                         [reg = registry, m = metrics, counted](Connection* c) {
                                           auto cid = c->id;
                                           delete c;
                                           {
                                             std::lock_guard l(reg->mutex);
                                             reg->open.erase(cid);
                                             if (!counted.empty() && --reg->per_address[counted] == 0) {
                                               reg->per_address.erase(counted);
                                             }
                                           }
                                           m->connection_closed();
                                           reg->gone.notify_all();
                                         });
      registry->open.emplace(id, conn);
      if (!counted.empty()) {
        ++registry->per_address[counted];
      }
    }
    metrics->connection_opened();
    conn->peer = peer;
    asio::co_spawn(conn->stream.get_executor(), session(conn), [this](const std::exception_ptr& e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log::error("connection ended by an exception", {{"server", options.name}, {"error", ex.what()}});
        }
      }
    });
  }
}

asio::awaitable<void> Server::Impl::refuse(Tcp::socket socket) {
  static constexpr std::string_view kBody =
      R"({"type":"/problems/unavailable","title":"Service Unavailable","status":503,"detail":"Too many connections."})";
  static const std::string kBusy = fmt::format(
      "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: application/problem+json\r\n"
      "Connection: close\r\nContent-Length: {}\r\n\r\n{}",
      kBody.size(), kBody);
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(std::chrono::seconds(1));
  co_await asio::async_write(stream, asio::buffer(kBusy), kTuple);
  boost::system::error_code ignored;
  stream.socket().shutdown(Tcp::socket::shutdown_both, ignored);
  stream.socket().close(ignored);
}

// The response head is written by hand into one string: Beast's serializer walks a deep
// buffer-sequence adaptor per write, which the profiler showed as the largest cost per request.
namespace {

struct SerializedHead {
  std::string head;
  std::size_t body_size = 0;  // bytes of the body to send after the head (0 for HEAD, 204, 304)
};

SerializedHead serialize_head(const Response& res, const Request& req, unsigned version, bool keep_alive) {
  std::string head;
  head.reserve(256 + res.body.size() / 16);
  head.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  head.append(std::to_string(res.status)).push_back(' ');
  auto reason = bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(res.status)));
  head.append(reason.data(), reason.size()).append("\r\n");
  std::optional<std::string_view> explicit_length;
  for (const auto& [name, value] : res.headers.fields()) {
    // Framing is ours to decide, and a CR or LF in a field would let a value split the response.
    if (iequals(name, "Content-Length")) {
      explicit_length = value;
      continue;
    }
    if (iequals(name, "Connection") || iequals(name, "Transfer-Encoding") ||
        name.find_first_of("\r\n:") != std::string::npos || value.find_first_of("\r\n") != std::string::npos) {
      continue;
    }
    head.append(name).append(": ").append(value).append("\r\n");
  }
  head.append("Server: ecom\r\nDate: ").append(http_date()).append("\r\n");
  if (!keep_alive) {
    head.append("Connection: close\r\n");
  } else if (version == 10) {
    head.append("Connection: keep-alive\r\n");
  }
  bool bodiless_status = res.status == 204 || res.status == 304 || (res.status >= 100 && res.status < 200);
  std::size_t body_size = 0;
  if (bodiless_status) {
    // No Content-Length of their own.
  } else if (req.method == Method::head) {
    // HEAD announces the length GET would send.
    head.append("Content-Length: ")
        .append(explicit_length ? std::string(*explicit_length) : std::to_string(res.body.size()))
        .append("\r\n");
  } else {
    body_size = res.body.size();
    head.append("Content-Length: ").append(std::to_string(body_size)).append("\r\n");
  }
  head.append("\r\n");
  return {std::move(head), body_size};
}

}  // namespace

asio::awaitable<bool> Server::Impl::write(Connection& conn, const Request& req, Response& res, unsigned version,
                                          bool keep_alive) {
  auto out = serialize_head(res, req, version, keep_alive);
  std::array<asio::const_buffer, 2> buffers{asio::buffer(out.head), asio::buffer(res.body.data(), out.body_size)};
  conn.stream.expires_after(options.write_timeout);
  auto [ec, n] = co_await asio::async_write(conn.stream, buffers, kTuple);
  co_return !ec;
}

asio::awaitable<void> Server::Impl::write_and_close(std::shared_ptr<Connection> conn, Request& req, Response res,
                                                    unsigned version) {
  conn->dispatcher->finish(req, res);
  co_await write(*conn, req, res, version, false);
  // Lingering close: stop sending, then read and discard what the client still sends for a short
  // while, so that our error answer is not lost to a reset caused by unread data.
  boost::system::error_code ignored;
  conn->stream.socket().shutdown(Tcp::socket::shutdown_send, ignored);
  conn->stream.expires_after(std::chrono::milliseconds(500));
  std::array<char, 4096> sink{};
  for (int i = 0; i < 64; ++i) {
    auto [ec, n] = co_await conn->stream.async_read_some(asio::buffer(sink), kTuple);
    if (ec) {
      break;
    }
  }
  conn->stream.socket().close(ignored);
}

// Beast checks Content-Length against the body limit while parsing the header, before the
// method can pick a limit, so the smaller limit of the bodiless methods is checked here: the
// declared length at once, and a chunked body by the parser's limit as it arrives.
bool Server::Impl::body_too_large_for_method(bhttp::request_parser<bhttp::string_body>& parser) const {
  const auto method = parser.get().method();
  if (method != bhttp::verb::get && method != bhttp::verb::head && method != bhttp::verb::options &&
      method != bhttp::verb::delete_) {
    return false;
  }
  if (auto length = parser.content_length(); length && *length > options.max_get_body_bytes) {
    return true;
  }
  if (parser.get().body().size() > options.max_get_body_bytes) {
    return true;
  }
  parser.body_limit(options.max_get_body_bytes);
  return false;
}

asio::awaitable<boost::system::error_code> Server::Impl::read_request(Connection& conn, beast::flat_buffer& buffer,
                                                                      bhttp::request_parser<bhttp::string_body>& parser,
                                                                      bool first) {
  // Parsing straight from the buffer, and reading only when it runs dry, skips Beast's composed
  // read operations (and their posted completions) for the common case of a whole request in one
  // segment. The deadlines are fixed when a phase starts, not re-armed per read, so a client
  // trickling bytes (slow loris) is cut off after read_header_timeout however it paces them.
  parser.eager(true);
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool in_body = false;
  for (;;) {
    if (buffer.size() > 0) {
      if (!deadline) {
        deadline = std::chrono::steady_clock::now() + options.read_header_timeout;
        conn.busy = true;
      }
      boost::system::error_code ec;
      auto used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec && ec != bhttp::error::need_more) {
        co_return ec;
      }
      if (parser.is_header_done() && !in_body) {
        if (!transfer_encoding_acceptable(parser.get())) {
          co_return bhttp::error::bad_transfer_encoding;
        }
        if (body_too_large_for_method(parser)) {
          co_return bhttp::error::body_limit;
        }
      }
      if (parser.is_done()) {
        co_return boost::system::error_code{};
      }
      if (parser.is_header_done() && !in_body) {
        in_body = true;
        deadline = std::chrono::steady_clock::now() + options.body_timeout;
        if (bhttp::token_list(parser.get()[bhttp::field::expect]).exists("100-continue")) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          conn.stream.expires_after(options.write_timeout);
          auto [wec, wn] = co_await asio::async_write(conn.stream, asio::buffer(kContinue), kTuple);
          if (wec) {
            co_return wec;
          }
        }
      }
      if (used > 0 && buffer.size() > 0) {
        continue;  // the parser made progress and has more to look at
      }
    }
    if (deadline) {
      conn.stream.expires_at(*deadline);
    } else {
      // Waiting for the first byte of a request: idle time on a kept-alive connection.
      conn.stream.expires_after(first ? options.read_header_timeout : options.idle_timeout);
    }
    auto [ec, n] = co_await conn.stream.async_read_some(buffer.prepare(8192), kTuple);
    if (ec == asio::error::eof && parser.got_some()) {
      boost::system::error_code eof_ec;
      parser.put_eof(eof_ec);
      co_return eof_ec ? eof_ec : bhttp::error::partial_message;
    }
    if (ec) {
      co_return ec;
    }
    buffer.commit(n);
  }
}

asio::awaitable<void> Server::Impl::session(std::shared_ptr<Connection> conn) {
  beast::flat_buffer buffer;
  bool first = true;
  for (;;) {
    if (conn->closing) {
      break;
    }
    conn->busy = false;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
    parser.body_limit(options.max_body_bytes);
    auto ec = co_await read_request(*conn, buffer, parser, first);
    first = false;

    Request req;
    req.received_at = std::chrono::steady_clock::now();
    req.client_ip = conn->peer;
    auto fail = [&](core::Error error) -> asio::awaitable<void> {
      req.request_id = generate_request_id();
      req.method_text = "-";
      co_await write_and_close(conn, req, error_response(error, req), 11);
    };
    if (ec) {
      if (auto error = read_failure(ec, parser.got_some())) {
        co_await fail(std::move(*error));
      }
      break;
    }

    auto msg = parser.release();
    const unsigned version = msg.version();
    bool keep_alive = msg.keep_alive();
    if (auto error = accept_request(msg, *conn, req)) {
      co_await fail(std::move(*error));
      break;
    }
    const Dispatcher& pipeline = *conn->dispatcher;
    Response res = co_await respond(req, pipeline);
    keep_alive = keep_alive && !draining.load();
    pipeline.finish(req, res);
    bool ok = co_await write(*conn, req, res, version, keep_alive);
    conn->busy = false;
    if (!ok || !keep_alive) {
      break;
    }
  }
  boost::system::error_code ignored;
  conn->stream.socket().shutdown(Tcp::socket::shutdown_both, ignored);
  conn->stream.socket().close(ignored);
}

std::optional<core::Error> Server::Impl::accept_request(bhttp::request<bhttp::string_body>& msg, const Connection& conn,
                                                        Request& req) const {
  req.method_text = std::string(msg.method_string());
  req.method = method_from_string(req.method_text);
  req.target = std::string(msg.target());
  std::string_view target = req.target;
  std::optional<std::string_view> authority;
  if (auto host_fields = msg.count(bhttp::field::host); host_fields == 1) {
    authority = msg[bhttp::field::host];
  } else if (host_fields > 1) {
    return core::Error(core::ErrorCode::bad_request, "The request has more than one Host header.");
  }
  // Absolute-form (a client talking to us as a proxy would): keep only the path and query. Its
  // authority, not the Host header, names the site (RFC 9112 3.2.2).
  if (target.starts_with("http://") || target.starts_with("https://")) {
    auto start = target.find("//") + 2;
    auto slash = target.find('/', start);
    authority = target.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  auto qmark = target.find('?');
  auto decoded = percent_decode(target.substr(0, qmark));
  if (!target.starts_with('/') || !decoded || decoded->find('\0') != std::string::npos) {
    return core::Error(core::ErrorCode::bad_request, "The request target is not a valid path.");
  }
  req.path = std::move(*decoded);
  // Before routing: a name we do not serve is a rebinding page or a misdirected client.
  // Probes call /healthz and /readyz by address, and these two reveal nothing.
  // The operations listener is not checked: it is loopback or private by configuration, serves
  // reads only, and Prometheus scrapes it by whatever address it was given.
  const bool ops_listener = ops_dispatcher && conn.dispatcher == &*ops_dispatcher;
  if (!ops_listener && req.path != "/healthz" && req.path != "/readyz" && !hosts.allows(authority, msg.version())) {
    return core::Error(core::ErrorCode::bad_request, "The Host header names a site this server does not serve.");
  }
  if (qmark != std::string_view::npos) {
    req.query = std::string(target.substr(qmark + 1));
  }
  for (const auto& f : msg) {
    req.headers.add(std::string(f.name_string()), std::string(f.value()));
  }
  req.body = std::move(msg.body());
  req.client_ip = proxies.client_ip(conn.peer, req.headers);
  return std::nullopt;
}

asio::awaitable<Response> Server::Impl::respond(Request& req, const Dispatcher& pipeline) {
  auto plan = pipeline.route(req);
  if (plan.immediate) {
    co_return std::move(*plan.immediate);
  }
  // A route's fast path answers from memory here on the I/O thread; when it declines, the
  // handler runs as if there were none.
  if (auto fast = pipeline.invoke_fast(*plan.route, req)) {
    co_return std::move(*fast);
  }
  if (plan.route->options.execution == Execution::inline_io) {
    co_return pipeline.invoke(*plan.route, req);
  }
  const Route* route = plan.route;
  auto [accepted, result] = co_await run_blocking(
      pool, [&pipeline, route, &req]() { return pipeline.invoke(*route, req); }, asio::use_awaitable);
  if (accepted) {
    co_return std::move(result);
  }
  metrics->increment("http_rejected_total{reason=\"pool_full\"}");
  co_return error_response(core::Error(core::ErrorCode::unavailable, "The server is busy; retry shortly.")
                               .with_retry_after(std::chrono::seconds(1)),
                           req);
}

void Server::Impl::close_idle_connections() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(registry->mutex);
    for (auto& [id, weak] : registry->open) {
      if (auto c = weak.lock()) {
        live.push_back(std::move(c));
      }
    }
  }
  for (auto& c : live) {
    asio::post(c->stream.get_executor(), [c] {
      // Bytes already received but not yet read are a request that arrived before the shutdown:
      // serve it (with Connection: close) rather than reset the connection under it.
      boost::system::error_code ec;
      const auto pending = c->stream.socket().available(ec);
      if (!c->busy && (ec || pending == 0)) {
        c->closing = true;
        boost::system::error_code ignored;
        c->stream.socket().cancel(ignored);
      }
    });
  }
}

Server::Server(ServerOptions options, Router router, std::shared_ptr<metrics::Registry> metrics)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), std::move(metrics))) {}

Server::~Server() {
  // A destructor must not throw (it may run while another exception unwinds): a failure while
  // stopping is written to stderr, which cannot throw, and the process goes on ending.
  try {
    stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ecom: stopping the HTTP server failed: %s\n", e.what());
  } catch (...) {
    std::fputs("ecom: stopping the HTTP server failed with a non-standard exception\n", stderr);
  }
}

void Server::add_readiness_check(std::string name, std::function<bool()> check, Dependency dependency) {
  std::lock_guard lock(impl_->checks_mutex);
  impl_->checks.push_back({std::move(name), std::move(check), dependency == Dependency::required});
}

std::uint16_t Server::start() {
  auto& i = *impl_;
  auto listen = [](Tcp::acceptor& acceptor, const std::string& address, std::uint16_t port) {
    Tcp::endpoint endpoint(asio::ip::make_address(address), port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    return acceptor.local_endpoint().port();
  };
  i.bound_port = listen(i.acceptor, i.options.address, i.options.port);
  if (i.options.ops) {
    i.bound_ops_port = listen(i.ops_acceptor, i.options.ops->address, i.options.ops->port);
  }
  i.pool.start();
  asio::co_spawn(i.ioc, i.accept_loop(i.acceptor, *i.dispatcher), asio::detached);
  if (i.options.ops) {
    asio::co_spawn(i.ioc, i.accept_loop(i.ops_acceptor, *i.ops_dispatcher), asio::detached);
  }
  for (std::size_t t = 0; t < i.io_thread_count; ++t) {
    i.threads.emplace_back([&i] {
      // run() returns when stop() stops the context; a handler that throws is logged, not fatal.
      for (int attempt = 0; attempt < 1000; ++attempt) {
        try {
          i.ioc.run();
          return;
        } catch (const std::exception& e) {
          log::error("I/O thread caught an exception", {{"server", i.options.name}, {"error", e.what()}});
        }
      }
    });
  }
  i.started = true;
  log::info("listening", {{"server", i.options.name},
                          {"address", i.options.address},
                          {"port", static_cast<std::int64_t>(i.bound_port)},
                          {"ops_address", i.options.ops ? i.options.ops->address : std::string("-")},
                          {"ops_port", static_cast<std::int64_t>(i.bound_ops_port)},
                          {"io_threads", static_cast<std::int64_t>(i.io_thread_count)},
                          {"pool_threads", static_cast<std::int64_t>(i.options.pool_threads)}});
  return i.bound_port;
}

void Server::stop() {
  auto& i = *impl_;
  std::call_once(i.stop_once, [&i] {
    if (!i.started) {
      return;
    }
    auto deadline = std::chrono::steady_clock::now() + i.options.shutdown_timeout;
    log::info("shutting down", {{"server", i.options.name}});
    i.draining = true;
    asio::post(i.ioc, [&i] {
      boost::system::error_code ignored;
      i.acceptor.close(ignored);
      i.ops_acceptor.close(ignored);
    });
    i.close_idle_connections();
    {
      auto& reg = *i.registry;
      std::unique_lock lock(reg.mutex);
      reg.gone.wait_until(lock, deadline, [&reg] { return reg.open.empty(); });
      if (!reg.open.empty()) {
        log::warn("connections still open at the shutdown deadline; closing them",
                  {{"server", i.options.name}, {"connections", static_cast<std::int64_t>(reg.open.size())}});
      }
    }
    i.ioc.stop();
    for (auto& t : i.threads) {
      t.join();
    }
    i.threads.clear();
    i.pool.stop(std::max(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(100)));
    log::info("stopped", {{"server", i.options.name}});
  });
}

void Server::run_until_signal() {
  const int signal = process::wait_for_stop_signal();
  log::info("signal received", {{"signal", signal}});
  stop();
}

std::uint16_t Server::port() const noexcept {
  return impl_->bound_port;
}
std::uint16_t Server::ops_port() const noexcept {
  return impl_->bound_ops_port;
}
bool Server::draining() const noexcept {
  return impl_->draining.load();
}

}  // namespace ecom::http
