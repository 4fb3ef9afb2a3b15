#include "rows.hpp"

#include "sql.hpp"

#include <ecom/db/database.hpp>

#include <boost/json.hpp>
#include <soci/soci.h>

#include <exception>

namespace ecom::messaging::detail {

std::vector<OutboxRow> fetch_rows(soci::session& tx, const char* sql, std::size_t limit, bool with_attempts) {
  OutboxRow row;
  const long long bound_limit = static_cast<long long>(limit);
  auto prepare = [&] {
    auto p = (tx.prepare << sql, soci::into(row.id), soci::into(row.message_id), soci::into(row.topic),
              soci::into(row.payload), soci::into(row.headers), soci::into(row.created_at));
    if (with_attempts) {
      return (std::move(p), soci::into(row.attempts), soci::use(bound_limit));
    }
    return (std::move(p), soci::use(bound_limit));
  };
  soci::statement st = prepare();
  st.execute();
  std::vector<OutboxRow> rows;
  rows.reserve(limit);
  while (st.fetch()) {
    rows.push_back(row);
  }
  return rows;
}

std::string headers_to_json(const std::map<std::string, std::string>& headers) {
  boost::json::object o;
  for (const auto& [key, value] : headers) {
    o[key] = value;
  }
  return boost::json::serialize(o);
}

std::map<std::string, std::string> headers_from_json(const std::string& json) {
  std::map<std::string, std::string> out;
  boost::system::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) {
    return out;
  }
  for (const auto& [key, v] : value.as_object()) {
    if (v.is_string()) {
      out.emplace(std::string(key), std::string(v.as_string()));
    }
  }
  return out;
}

std::string consumer_queue(const MessagingOptions& options, const std::string& consumer) {
  return options.queue_prefix + "." + consumer;
}
std::string retry_queue(const MessagingOptions& options, const std::string& consumer) {
  return options.queue_prefix + "." + consumer + ".retry";
}
std::string dead_letter_queue(const MessagingOptions& options) {
  return options.queue_prefix + ".dead-letter";
}

HandleResult handle_once(db::Database& db, const Subscription& subscription, const Message& message) {
  bool duplicate = false;
  db.transact(subscription.consumer, [&](soci::session& tx) {
    soci::statement st = (tx.prepare << kInsertInbox, soci::use(subscription.consumer), soci::use(message.id));
    st.execute(true);
    if (st.get_affected_rows() == 0) {
      duplicate = true;
      return;
    }
    subscription.handler(tx, message);
  });
  return duplicate ? HandleResult::duplicate : HandleResult::applied;
}

std::string current_error_text() {
  try {
    throw;
  } catch (const std::exception& e) {
    std::string text = e.what();
    // Bounded: it goes into a column and an AMQP header.
    constexpr std::size_t kMax = 1000;
    if (text.size() > kMax) {
      text.resize(kMax);
    }
    return text;
  } catch (...) {
    return "unknown exception";
  }
}

std::int64_t unix_seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace ecom::messaging::detail
