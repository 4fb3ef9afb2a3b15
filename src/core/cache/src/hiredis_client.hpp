// What RedisCache and the near cache's subscriber share to speak to Redis through hiredis's
// blocking API: owning handles, one command or a pipeline, and what a reply says about the server.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <sys/time.h>
#include <vector>

namespace ecom::cache::detail {

struct ReplyDeleter {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

struct ContextDeleter {
  void operator()(redisContext* c) const noexcept { redisFree(c); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;

// A new connection, or why there is none.
struct Connected {
  Context context;    // null when Redis cannot be reached
  std::string error;  // why, then
};

[[nodiscard]] timeval to_timeval(std::chrono::milliseconds ms);

// What one use of a connection came to.
enum class Result {
  ok,
  error_reply,  // Redis answered with an error: counted, but the server is there
  broken,       // no answer (refused, timeout, EOF) or a server that cannot serve now
};

// One command; null when the connection failed (the context then says why).
[[nodiscard]] Reply command(redisContext* c, const std::vector<std::string_view>& args);
// Sends the commands in one write and reads their replies in order; empty when the connection
// failed.
[[nodiscard]] std::vector<Reply> pipeline(redisContext* c, const std::vector<std::vector<std::string_view>>& commands);
[[nodiscard]] Result classify(const Reply& reply);

}  // namespace ecom::cache::detail
