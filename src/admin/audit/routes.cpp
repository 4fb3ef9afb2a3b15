#include "audit/routes.hpp"

#include "auth/routes.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/platform/csv.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/query.hpp>
#include <ecom/platform/time.hpp>

#include <boost/json.hpp>

#include <charconv>

namespace ecom::admin::audit {
namespace {

namespace json = boost::json;
namespace log = ecom::audit;

const http::RouteOptions kRead{.execution = http::Execution::blocking, .permission = "audit.read"};

std::optional<std::int64_t> number(const http::Params& query, std::string_view name) {
  const auto text = query.get(name);
  if (!text) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || value < 0) {
    throw core::Error::bad_parameter(std::string(name), "must be a whole number of 0 or more");
  }
  return value;
}

// ?actor=&object_type=&object_id=&from=&to=&before=&limit=: from and to are microseconds since
// the Unix epoch (UTC), before a seq (paging back), limit 1..1000 (default 50).
log::Filter filter_of(const http::Request& request) {
  const auto query = http::Params::parse(request.query);
  for (const auto& [name, value] : query.items()) {
    if (name != "actor" && name != "object_type" && name != "object_id" && name != "from" && name != "to" &&
        name != "before" && name != "limit") {
      throw core::Error::bad_parameter(name, "unknown parameter");
    }
  }
  log::Filter filter;
  filter.actor = query.get("actor");
  filter.object_type = query.get("object_type");
  filter.object_id = query.get("object_id");
  filter.from_us = number(query, "from");
  filter.to_us = number(query, "to");
  filter.before_seq = number(query, "before");
  filter.limit = static_cast<int>(std::min<std::int64_t>(number(query, "limit").value_or(50), 100'000));
  return filter;
}

json::object entry_json(const log::Entry& e) {
  return {{"seq", e.seq},
          {"at", time::iso8601_from_us(e.at)},
          {"actor", {{"kind", e.actor.kind}, {"id", e.actor.id}, {"name", e.actor.name}}},
          {"client", e.actor.client},
          {"request_id", e.actor.request_id},
          {"action", e.action},
          {"object", {{"type", e.object_type}, {"id", e.object_id}, {"key", e.object_key}}},
          {"before", json::parse(e.before)},
          {"after", json::parse(e.after)},
          {"hash", e.hash}};
}

}  // namespace

void add_routes(http::Router& router, db::Database& db) {
  router.get(
      "/api/v1/admin/audit",
      [&db](http::Request& request) {
        const auto filter = filter_of(request);
        const auto entries = log::list(db, filter);
        json::array items;
        for (const auto& e : entries) {
          items.push_back(entry_json(e));
        }
        const bool more = static_cast<int>(entries.size()) == filter.limit;
        json::object body{{"items", std::move(items)},
                          {"next_before", more ? json::value(entries.back().seq) : json::value(nullptr)}};
        return auth::json_answer(200, body);
      },
      kRead);

  router.get(
      "/api/v1/admin/audit.csv",
      [&db](http::Request& request) {
        auto filter = filter_of(request);
        if (!request.query_param("limit")) {
          filter.limit = 1000;
        }
        std::string out;
        csv::append_record(out, {"seq", "at", "actor_kind", "actor_id", "actor", "client", "request_id", "action",
                                 "object_type", "object_id", "object_key", "before", "after", "hash"});
        for (const auto& e : log::list(db, filter)) {
          csv::append_record(out, {std::to_string(e.seq), time::iso8601_from_us(e.at), e.actor.kind,
                                   std::to_string(e.actor.id), e.actor.name, e.actor.client, e.actor.request_id,
                                   e.action, e.object_type, e.object_id, e.object_key, e.before, e.after, e.hash});
        }
        auto response = http::Response::text(200, std::move(out), "text/csv; charset=utf-8");
        response.headers.set("Content-Disposition", "attachment; filename=\"audit.csv\"");
        response.headers.set("Cache-Control", "no-store");
        return response;
      },
      kRead);
}

}  // namespace ecom::admin::audit
