#include "hiredis_client.hpp"

namespace ecom::cache::detail {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
  return tv;
}

Reply command(redisContext* c, const std::vector<std::string_view>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (auto a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  return Reply(
      static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lengths.data())));
}

std::vector<Reply> pipeline(redisContext* c, const std::vector<std::vector<std::string_view>>& commands) {
  for (const auto& args : commands) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (auto a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    if (redisAppendCommandArgv(c, static_cast<int>(args.size()), argv.data(), lengths.data()) != REDIS_OK) {
      return {};
    }
  }
  std::vector<Reply> replies;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || raw == nullptr) {
      return {};
    }
    replies.emplace_back(static_cast<redisReply*>(raw));
  }
  return replies;
}

Result classify(const Reply& reply) {
  if (!reply) {
    return Result::broken;
  }
  if (reply->type != REDIS_REPLY_ERROR) {
    return Result::ok;
  }
  // A server still loading its data set, busy with a script, or cut off from its primary cannot
  // serve anyone: treat it like an unreachable one so that the breaker opens.
  std::string_view message(reply->str, reply->len);
  for (std::string_view transient : {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN"}) {
    if (message.starts_with(transient)) {
      return Result::broken;
    }
  }
  return Result::error_reply;
}

}  // namespace ecom::cache::detail
