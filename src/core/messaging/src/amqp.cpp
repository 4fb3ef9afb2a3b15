#include "amqp.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <fmt/format.h>

#include <sys/time.h>
#include <vector>

namespace ecom::messaging::detail {
namespace {

constexpr amqp_channel_t kChannel = 1;
constexpr int kFrameMax = 131072;

amqp_bytes_t bytes(std::string_view s) {
  return amqp_bytes_t{s.size(), const_cast<char*>(s.data())};
}

std::string text(amqp_bytes_t b) {
  return b.len == 0 ? std::string() : std::string(static_cast<const char*>(b.bytes), b.len);
}

timeval to_timeval(std::chrono::milliseconds ms) {
  auto count = std::max<std::chrono::milliseconds::rep>(ms.count(), 0);
  return timeval{static_cast<time_t>(count / 1000), static_cast<suseconds_t>((count % 1000) * 1000)};
}

std::string describe(const amqp_rpc_reply_t& reply) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return "ok";
    case AMQP_RESPONSE_NONE:
      return "no reply from the broker";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return amqp_error_string2(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* m = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
        return fmt::format("connection closed by the broker: {} {}", m->reply_code, text(m->reply_text));
      }
      if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* m = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
        return fmt::format("channel closed by the broker: {} {}", m->reply_code, text(m->reply_text));
      }
      return fmt::format("broker error (method {:#x})", reply.reply.id);
  }
  return "unknown reply";
}

// Headers as an AMQP table whose entries point into the message's strings.
class HeaderTable {
 public:
  explicit HeaderTable(const std::map<std::string, std::string>& headers) {
    entries_.reserve(headers.size());
    for (const auto& [key, value] : headers) {
      amqp_table_entry_t entry{};
      entry.key = bytes(key);
      entry.value.kind = AMQP_FIELD_KIND_UTF8;
      entry.value.value.bytes = bytes(value);
      entries_.push_back(entry);
    }
  }
  [[nodiscard]] amqp_table_t table() {
    return amqp_table_t{static_cast<int>(entries_.size()), entries_.empty() ? nullptr : entries_.data()};
  }

 private:
  std::vector<amqp_table_entry_t> entries_;
};

std::map<std::string, std::string> read_headers(const amqp_basic_properties_t& p) {
  std::map<std::string, std::string> out;
  if ((p._flags & AMQP_BASIC_HEADERS_FLAG) == 0) {
    return out;
  }
  for (int i = 0; i < p.headers.num_entries; ++i) {
    const auto& e = p.headers.entries[i];
    if (e.value.kind == AMQP_FIELD_KIND_UTF8 || e.value.kind == AMQP_FIELD_KIND_BYTES) {
      out.emplace(text(e.key), text(e.value.value.bytes));
    }
  }
  return out;
}

void copy_message(const amqp_message_t& m, Delivery& d) {
  const auto& p = m.properties;
  if ((p._flags & AMQP_BASIC_MESSAGE_ID_FLAG) != 0) {
    d.message_id = text(p.message_id);
  }
  if ((p._flags & AMQP_BASIC_TYPE_FLAG) != 0) {
    d.type = text(p.type);
  }
  if ((p._flags & AMQP_BASIC_TIMESTAMP_FLAG) != 0) {
    d.timestamp = static_cast<std::int64_t>(p.timestamp);
  }
  d.headers = read_headers(p);
  d.body = text(m.body);
}

}  // namespace

AmqpTarget parse_amqp_url(const std::string& url, const std::string& password_override) {
  std::vector<char> buffer(url.begin(), url.end());
  buffer.push_back('\0');
  amqp_connection_info info{};
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK || info.ssl != 0) {
    throw AmqpError("messaging.amqp_url is not a valid amqp://user@host:port/vhost URL");
  }
  AmqpTarget t;
  t.host = info.host != nullptr ? info.host : "";
  t.port = info.port;
  t.user = info.user != nullptr ? info.user : "guest";
  t.password = !password_override.empty() ? password_override : (info.password != nullptr ? info.password : "");
  t.vhost = info.vhost != nullptr && info.vhost[0] != '\0' ? info.vhost : "/";
  t.display = fmt::format("amqp://{}@{}:{}/{}", t.user, t.host, t.port, t.vhost == "/" ? "" : t.vhost);
  return t;
}

// Owns the connection state, so that a constructor that throws half way (an unreachable broker, a
// refused login) still frees it: state_ is a fully built member then, and is destroyed.
struct AmqpConnection::State {
  State() = default;
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State() {
    if (conn != nullptr) {
      amqp_destroy_connection(conn);
    }
  }
  amqp_connection_state_t conn = nullptr;
  bool channel_open = false;
};

AmqpConnection::AmqpConnection(const AmqpTarget& target, std::chrono::seconds heartbeat,
                               std::chrono::milliseconds timeout)
    : target_(target), state_(std::make_unique<State>()) {
  state_->conn = amqp_new_connection();
  if (state_->conn == nullptr) {
    throw AmqpError("out of memory creating an AMQP connection");
  }
  amqp_socket_t* socket = amqp_tcp_socket_new(state_->conn);
  if (socket == nullptr) {
    fail("cannot create a TCP socket");
  }
  auto tv = to_timeval(timeout);
  int status = amqp_socket_open_noblock(socket, target_.host.c_str(), target_.port, &tv);
  if (status != AMQP_STATUS_OK) {
    fail(fmt::format("cannot connect to {}: {}", target_.display, amqp_error_string2(status)));
  }
  amqp_set_handshake_timeout(state_->conn, &tv);
  amqp_set_rpc_timeout(state_->conn, &tv);
  auto reply = amqp_login(state_->conn, target_.vhost.c_str(), 0, kFrameMax, static_cast<int>(heartbeat.count()),
                          AMQP_SASL_METHOD_PLAIN, target_.user.c_str(), target_.password.c_str());
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
    fail(fmt::format("cannot log in to {}: {}", target_.display, describe(reply)));
  }
  amqp_channel_open(state_->conn, kChannel);
  check_rpc("channel.open");
  state_->channel_open = true;
}

AmqpConnection::~AmqpConnection() {
  if (state_->conn == nullptr) {
    return;
  }
  // A polite close tells the broker to requeue our unacked deliveries at once; on a broken
  // connection it would only wait for the RPC timeout, and the broker notices the closed socket.
  if (!broken_) {
    if (state_->channel_open) {
      amqp_channel_close(state_->conn, kChannel, AMQP_REPLY_SUCCESS);
    }
    amqp_connection_close(state_->conn, AMQP_REPLY_SUCCESS);
  }
  // state_ destroys the connection.
}

void AmqpConnection::fail(const std::string& message) {
  broken_ = true;
  throw AmqpError(message);
}

void AmqpConnection::check_rpc(std::string_view what) {
  auto reply = amqp_get_rpc_reply(state_->conn);
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
    fail(fmt::format("{} on {}: {}", what, target_.display, describe(reply)));
  }
}

void AmqpConnection::declare_exchange(const std::string& name, const std::string& type) {
  amqp_exchange_declare(state_->conn, kChannel, bytes(name), bytes(type), /*passive=*/0, /*durable=*/1,
                        /*auto_delete=*/0, /*internal=*/0, amqp_empty_table);
  check_rpc("exchange.declare " + name);
}

std::uint32_t AmqpConnection::declare_queue(const std::string& name, const QueueArguments& arguments) {
  std::map<std::string, std::string> args;
  if (arguments.dead_letter_exchange) {
    args["x-dead-letter-exchange"] = *arguments.dead_letter_exchange;
  }
  if (arguments.dead_letter_routing_key) {
    args["x-dead-letter-routing-key"] = *arguments.dead_letter_routing_key;
  }
  HeaderTable table(args);
  auto* ok = amqp_queue_declare(state_->conn, kChannel, bytes(name), /*passive=*/0, /*durable=*/1,
                                /*exclusive=*/0, /*auto_delete=*/0, table.table());
  check_rpc("queue.declare " + name);
  return ok != nullptr ? ok->message_count : 0;
}

void AmqpConnection::bind_queue(const std::string& queue, const std::string& exchange, const std::string& pattern) {
  amqp_queue_bind(state_->conn, kChannel, bytes(queue), bytes(exchange), bytes(pattern), amqp_empty_table);
  check_rpc("queue.bind " + queue);
}

void AmqpConnection::delete_queue(const std::string& name) {
  amqp_queue_delete(state_->conn, kChannel, bytes(name), 0, 0);
  check_rpc("queue.delete " + name);
}

void AmqpConnection::delete_exchange(const std::string& name) {
  amqp_exchange_delete(state_->conn, kChannel, bytes(name), 0);
  check_rpc("exchange.delete " + name);
}

void AmqpConnection::set_prefetch(std::uint16_t count) {
  amqp_basic_qos(state_->conn, kChannel, 0, count, 0);
  check_rpc("basic.qos");
}

void AmqpConnection::consume(const std::string& queue, const std::string& consumer_tag) {
  amqp_basic_consume(state_->conn, kChannel, bytes(queue), bytes(consumer_tag), /*no_local=*/0, /*no_ack=*/0,
                     /*exclusive=*/0, amqp_empty_table);
  check_rpc("basic.consume " + queue);
}

void AmqpConnection::enable_confirms() {
  amqp_confirm_select(state_->conn, kChannel);
  check_rpc("confirm.select");
}

std::uint64_t AmqpConnection::publish(const OutgoingMessage& message, bool mandatory) {
  HeaderTable headers(message.headers);
  amqp_basic_properties_t p{};
  p._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG |
             AMQP_BASIC_TYPE_FLAG | AMQP_BASIC_HEADERS_FLAG;
  p.content_type = bytes("application/json");
  p.delivery_mode = AMQP_DELIVERY_PERSISTENT;
  p.message_id = bytes(message.message_id);
  p.type = bytes(message.type);
  p.headers = headers.table();
  if (message.timestamp > 0) {
    p._flags |= AMQP_BASIC_TIMESTAMP_FLAG;
    p.timestamp = static_cast<std::uint64_t>(message.timestamp);
  }
  if (!message.expiration.empty()) {
    p._flags |= AMQP_BASIC_EXPIRATION_FLAG;
    p.expiration = bytes(message.expiration);
  }
  int status = amqp_basic_publish(state_->conn, kChannel, bytes(message.exchange), bytes(message.routing_key),
                                  mandatory ? 1 : 0, 0, &p, bytes(message.body));
  if (status != AMQP_STATUS_OK) {
    fail(fmt::format("basic.publish on {}: {}", target_.display, amqp_error_string2(status)));
  }
  auto sequence = next_sequence_++;
  unconfirmed_.insert(sequence);
  return sequence;
}

void AmqpConnection::handle_confirm_frame(const void* raw, ConfirmOutcome& outcome) {
  const auto& frame = *static_cast<const amqp_frame_t*>(raw);
  if (frame.frame_type != AMQP_FRAME_METHOD) {
    return;  // stray content frames belong to a return we already read
  }
  auto settle = [&](std::uint64_t tag, bool multiple, bool nack) {
    auto first = unconfirmed_.begin();
    auto last = multiple ? unconfirmed_.upper_bound(tag) : unconfirmed_.find(tag);
    if (!multiple) {
      if (last == unconfirmed_.end()) {
        return;
      }
      first = last;
      last = std::next(last);
    }
    if (nack) {
      outcome.nacked.insert(first, last);
    }
    unconfirmed_.erase(first, last);
  };
  switch (frame.payload.method.id) {
    case AMQP_BASIC_ACK_METHOD: {
      const auto* m = static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
      settle(m->delivery_tag, m->multiple != 0, false);
      return;
    }
    case AMQP_BASIC_NACK_METHOD: {
      const auto* m = static_cast<const amqp_basic_nack_t*>(frame.payload.method.decoded);
      settle(m->delivery_tag, m->multiple != 0, true);
      return;
    }
    case AMQP_BASIC_RETURN_METHOD: {
      // The returned message's header and body follow; read them to learn which one it was.
      amqp_message_t message{};
      auto reply = amqp_read_message(state_->conn, frame.channel, &message, 0);
      if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
        fail(fmt::format("reading a returned message on {}: {}", target_.display, describe(reply)));
      }
      if ((message.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG) != 0) {
        outcome.returned_message_ids.insert(text(message.properties.message_id));
      }
      amqp_destroy_message(&message);
      return;
    }
    case AMQP_CHANNEL_CLOSE_METHOD: {
      const auto* m = static_cast<const amqp_channel_close_t*>(frame.payload.method.decoded);
      fail(fmt::format("channel closed by the broker {}: {} {}", target_.display, m->reply_code, text(m->reply_text)));
    }
    case AMQP_CONNECTION_CLOSE_METHOD: {
      const auto* m = static_cast<const amqp_connection_close_t*>(frame.payload.method.decoded);
      fail(fmt::format("connection closed by the broker {}: {} {}", target_.display, m->reply_code,
                       text(m->reply_text)));
    }
    default:
      return;
  }
}

ConfirmOutcome AmqpConnection::wait_for_confirms(std::chrono::milliseconds limit) {
  ConfirmOutcome outcome;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!unconfirmed_.empty()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      fail(fmt::format("{} publishes not confirmed by {} within {} ms", unconfirmed_.size(), target_.display,
                       limit.count()));
    }
    amqp_frame_t frame{};
    auto tv = to_timeval(left);
    int status = amqp_simple_wait_frame_noblock(state_->conn, &frame, &tv);
    if (status == AMQP_STATUS_TIMEOUT) {
      continue;
    }
    if (status != AMQP_STATUS_OK) {
      fail(fmt::format("waiting for confirms from {}: {}", target_.display, amqp_error_string2(status)));
    }
    handle_confirm_frame(&frame, outcome);
  }
  return outcome;
}

void AmqpConnection::idle(std::chrono::milliseconds wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    amqp_frame_t frame{};
    auto tv = to_timeval(left);
    int status = amqp_simple_wait_frame_noblock(state_->conn, &frame, &tv);
    if (status == AMQP_STATUS_TIMEOUT) {
      return;
    }
    if (status != AMQP_STATUS_OK) {
      fail(fmt::format("connection to {}: {}", target_.display, amqp_error_string2(status)));
    }
    ConfirmOutcome ignored;
    handle_confirm_frame(&frame, ignored);  // throws on channel.close / connection.close
    if (left.count() <= 0) {
      return;
    }
  }
}

std::optional<Delivery> AmqpConnection::next_delivery(std::chrono::milliseconds wait) {
  amqp_maybe_release_buffers(state_->conn);
  amqp_envelope_t envelope{};
  auto tv = to_timeval(wait);
  auto reply = amqp_consume_message(state_->conn, &envelope, &tv, 0);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
    Delivery d;
    d.delivery_tag = envelope.delivery_tag;
    d.consumer_tag = text(envelope.consumer_tag);
    d.routing_key = text(envelope.routing_key);
    d.redelivered = envelope.redelivered != 0;
    copy_message(envelope.message, d);
    amqp_destroy_envelope(&envelope);
    return d;
  }
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) {
    return std::nullopt;
  }
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
    // Something other than a delivery arrived: see what it was.
    amqp_frame_t frame{};
    auto zero = to_timeval(std::chrono::milliseconds(0));
    int status = amqp_simple_wait_frame_noblock(state_->conn, &frame, &zero);
    if (status == AMQP_STATUS_TIMEOUT) {
      return std::nullopt;
    }
    if (status != AMQP_STATUS_OK) {
      fail(fmt::format("reading from {}: {}", target_.display, amqp_error_string2(status)));
    }
    if (frame.frame_type == AMQP_FRAME_METHOD) {
      switch (frame.payload.method.id) {
        case AMQP_BASIC_CANCEL_METHOD:
          fail(fmt::format("the broker {} cancelled our consumer (queue deleted?)", target_.display));
        case AMQP_CHANNEL_CLOSE_METHOD:
        case AMQP_CONNECTION_CLOSE_METHOD: {
          ConfirmOutcome ignored;
          handle_confirm_frame(&frame, ignored);  // throws with the broker's reason
          break;
        }
        default:
          break;
      }
    }
    return std::nullopt;
  }
  fail(fmt::format("consuming from {}: {}", target_.display, describe(reply)));
}

std::optional<Delivery> AmqpConnection::get(const std::string& queue) {
  amqp_maybe_release_buffers(state_->conn);
  auto reply = amqp_basic_get(state_->conn, kChannel, bytes(queue), /*no_ack=*/0);
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
    fail(fmt::format("basic.get {} on {}: {}", queue, target_.display, describe(reply)));
  }
  if (reply.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) {
    return std::nullopt;
  }
  const auto* ok = static_cast<const amqp_basic_get_ok_t*>(reply.reply.decoded);
  Delivery d;
  d.delivery_tag = ok->delivery_tag;
  d.routing_key = text(ok->routing_key);
  d.redelivered = ok->redelivered != 0;
  amqp_message_t message{};
  auto read = amqp_read_message(state_->conn, kChannel, &message, 0);
  if (read.reply_type != AMQP_RESPONSE_NORMAL) {
    fail(fmt::format("basic.get {} on {}: {}", queue, target_.display, describe(read)));
  }
  copy_message(message, d);
  amqp_destroy_message(&message);
  return d;
}

void AmqpConnection::ack(std::uint64_t delivery_tag) {
  int status = amqp_basic_ack(state_->conn, kChannel, delivery_tag, 0);
  if (status != AMQP_STATUS_OK) {
    fail(fmt::format("basic.ack on {}: {}", target_.display, amqp_error_string2(status)));
  }
}

void AmqpConnection::reject(std::uint64_t delivery_tag, bool requeue) {
  int status = amqp_basic_reject(state_->conn, kChannel, delivery_tag, requeue ? 1 : 0);
  if (status != AMQP_STATUS_OK) {
    fail(fmt::format("basic.reject on {}: {}", target_.display, amqp_error_string2(status)));
  }
}

}  // namespace ecom::messaging::detail
