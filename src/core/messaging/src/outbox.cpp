#include "rows.hpp"
#include "sql.hpp"

#include <ecom/messaging/outbox.hpp>
#include <ecom/platform/error.hpp>

#include <fmt/format.h>
#include <soci/soci.h>

namespace ecom::messaging {

void Outbox::add(soci::session& tx, const Event& event) {
  if (event.id.empty() || event.topic.empty()) {
    throw core::Error::bad_parameter("event", "an event needs an id and a topic (use make_event)");
  }
  const std::string created_at = event.created_at.empty() ? now_iso8601() : event.created_at;
  const std::string headers = detail::headers_to_json(event.headers);
  soci::statement st = (tx.prepare << detail::kInsertOutbox, soci::use(event.id), soci::use(event.topic),
                        soci::use(event.payload), soci::use(headers), soci::use(created_at));
  st.execute(true);
  if (st.get_affected_rows() == 0) {
    throw core::Error(core::ErrorCode::conflict, fmt::format("event {} is already in the outbox", event.id));
  }
}

}  // namespace ecom::messaging
