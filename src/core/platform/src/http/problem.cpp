#include <ecom/platform/http/problem.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <string>

namespace ecom::http {
namespace {

Response problem_json(const core::Error& error, const Request& request) {
  const auto code = error.code();
  const auto detail = client_detail(error, request.request_id);
  // A server error's field list and members could name internals as well as its message could.
  const bool client = core::is_client_error(code);
  boost::json::object doc;
  doc["type"] = core::type_uri(code);
  doc["title"] = core::title(code);
  doc["status"] = core::http_status(code);
  doc["detail"] = detail;
  doc["instance"] = request.path;
  if (!request.request_id.empty()) {
    doc["request_id"] = request.request_id;
  }
  if (client && !error.details().empty()) {
    boost::json::array list;
    for (const auto& e : error.details()) {
      list.push_back(boost::json::object{{"name", e.name}, {"reason", e.reason}});
    }
    doc["errors"] = std::move(list);
  }
  if (const auto* members = error.members(); client && members != nullptr) {
    for (const auto& member : *members) {
      doc[member.key()] = member.value();
    }
  }
  Response r;
  r.status = core::http_status(code);
  r.headers.add("Content-Type", "application/problem+json");
  r.body = boost::json::serialize(doc);
  return r;
}

Response problem_html(const core::Error& error, const Request& request) {
  const auto code = error.code();
  // The page shows the request id below as its reference.
  const auto detail = client_detail(error, {});
  std::string items;
  if (core::is_client_error(code)) {
    for (const auto& e : error.details()) {
      items += fmt::format("<li><strong>{}</strong>: {}</li>", html_escape(e.name), html_escape(e.reason));
    }
  }
  if (!items.empty()) {
    items = "<ul>" + items + "</ul>";
  }
  int status = core::http_status(code);
  auto body = fmt::format(
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>{0} {1}</title>"
      "<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}}"
      "small{{color:#777}}</style></head>"
      "<body><h1>{1}</h1><p>{2}</p>{3}<p><a href=\"/\">Back to the home page</a></p>"
      "<p><small>Reference: {4}</small></p></body></html>\n",
      status, html_escape(core::title(code)), html_escape(detail), items, html_escape(request.request_id));
  return Response::html(status, std::move(body));
}

}  // namespace

std::string html_escape(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 8);
  for (char c : in) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string client_detail(const core::Error& error, std::string_view request_id) {
  if (core::is_client_error(error.code())) {
    return error.message();
  }
  std::string detail(core::generic_detail(error.code()));
  if (!request_id.empty()) {
    detail += fmt::format(" Reference: {}.", request_id);
  }
  return detail;
}

Response error_response(const core::Error& error, const Request& request) {
  auto response = request.wants_html() ? problem_html(error, request) : problem_json(error, request);
  if (const auto after = error.retry_after()) {
    response.headers.set("Retry-After", std::to_string(after->count()));
  }
  return response;
}

Response internal_error_response(const Request& request) {
  return error_response(core::Error(core::ErrorCode::internal, "unhandled exception"), request);
}

}  // namespace ecom::http
