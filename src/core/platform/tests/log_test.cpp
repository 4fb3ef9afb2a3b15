#include "captured_log.hpp"

#include <ecom/platform/log.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace json = boost::json;
using ecom::log::Level;
using ecom::test::CapturedLog;

namespace {

json::object parse_line(const std::string& line) {
  json::error_code ec;
  auto value = json::parse(line, ec);
  INFO(line);
  REQUIRE_FALSE(ec);
  REQUIRE(value.is_object());
  return value.as_object();
}

std::string field_string(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  REQUIRE(v != nullptr);
  REQUIRE(v->is_string());
  return std::string(v->as_string());
}

}  // namespace

TEST_CASE("a log line is one JSON object with time, level, message and fields", "[log]") {
  auto line = ecom::log::format_line(Level::warn, "order placed",
                                     {{"request_id", "r-42"},
                                      {"count", 3},
                                      {"total_minor", std::int64_t{123456789012}},
                                      {"ratio", 0.1},
                                      {"paid", true}});
  CHECK(line.find('\n') == std::string::npos);
  auto o = parse_line(line);
  CHECK(field_string(o, "level") == "warn");
  CHECK(field_string(o, "msg") == "order placed");
  CHECK(field_string(o, "request_id") == "r-42");
  CHECK(o.at("count").as_int64() == 3);
  CHECK(o.at("total_minor").as_int64() == 123456789012);
  CHECK(o.at("ratio").as_double() == 0.1);
  CHECK(o.at("paid").as_bool());
  CHECK(std::regex_match(field_string(o, "time"), std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")));
}

TEST_CASE("time, level and msg come first in the line", "[log]") {
  auto line = ecom::log::format_line(Level::info, "m", {});
  CHECK(line.rfind(R"({"time":")", 0) == 0);
  CHECK(line.find(R"(","level":"info","msg":"m"})") != std::string::npos);
}

TEST_CASE("strings are escaped so the line stays valid JSON", "[log]") {
  const std::string nasty = std::string("say \"hi\"\\ then\nnew line\r\ttab\x01\x1f\x7f end") + '\0' + "after nul";
  auto line = ecom::log::format_line(Level::info, nasty, {{"detail", nasty}, {"key \"quoted\"\n", "v"}});
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find('\r') == std::string::npos);
  CHECK(line.find('\x01') == std::string::npos);
  CHECK(line.find('\0') == std::string::npos);
  auto o = parse_line(line);
  CHECK(field_string(o, "msg") == nasty);
  CHECK(field_string(o, "detail") == nasty);
  CHECK(field_string(o, "key \"quoted\"\n") == "v");
}

TEST_CASE("valid UTF-8 passes through and invalid bytes become U+FFFD", "[log]") {
  const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9b\x92";  // café € 🛒
  auto line = ecom::log::format_line(Level::info, text, {});
  CHECK(line.find(text) != std::string::npos);
  CHECK(field_string(parse_line(line), "msg") == text);

  for (const std::string bad : {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"}) {
    auto bad_line = ecom::log::format_line(Level::info, "a" + bad + "b", {});
    INFO(bad_line);
    CHECK(field_string(parse_line(bad_line), "msg").find("\xef\xbf\xbd") != std::string::npos);
  }
}

TEST_CASE("fields whose names say secret are redacted whatever their case or type", "[log]") {
  for (const char* key : {"password", "db_passwd", "access_token", "Cookie", "Set-Cookie", "Authorization",
                          "client_secret", "api_key", "X-ApiKey", "DB_PASSWORD"}) {
    INFO(key);
    auto line = ecom::log::format_line(Level::info, "m", {{key, "hunter2"}, {"user", "alice"}});
    CHECK(line.find("hunter2") == std::string::npos);
    auto o = parse_line(line);
    CHECK(field_string(o, key) == "[redacted]");
    CHECK(field_string(o, "user") == "alice");
  }
  auto numeric = ecom::log::format_line(Level::info, "m", {{"token", 123456}});
  CHECK(numeric.find("123456") == std::string::npos);
  CHECK(field_string(parse_line(numeric), "token") == "[redacted]");
}

TEST_CASE("non-finite doubles are written as null and finite ones round-trip", "[log]") {
  auto line = ecom::log::format_line(Level::info, "m",
                                     {{"nan", std::numeric_limits<double>::quiet_NaN()},
                                      {"inf", std::numeric_limits<double>::infinity()},
                                      {"third", 1.0 / 3.0},
                                      {"big", 1e300}});
  auto o = parse_line(line);
  CHECK(o.at("nan").is_null());
  CHECK(o.at("inf").is_null());
  CHECK(json::value_to<double>(o.at("third")) == 1.0 / 3.0);
  CHECK(json::value_to<double>(o.at("big")) == 1e300);
}

TEST_CASE("a field named like a fixed member does not duplicate the key", "[log]") {
  auto line = ecom::log::format_line(Level::error, "real", {{"msg", "fake"}, {"level", "debug"}});
  auto o = parse_line(line);
  CHECK(field_string(o, "msg") == "real");
  CHECK(field_string(o, "level") == "error");
  CHECK(field_string(o, "field_msg") == "fake");
  CHECK(line.find(R"("msg")") == line.rfind(R"("msg")"));
}

TEST_CASE("parse_level accepts the level names and warning", "[log]") {
  CHECK(ecom::log::parse_level("debug") == Level::debug);
  CHECK(ecom::log::parse_level("info") == Level::info);
  CHECK(ecom::log::parse_level("warn") == Level::warn);
  CHECK(ecom::log::parse_level("warning") == Level::warn);
  CHECK(ecom::log::parse_level("error") == Level::error);
  CHECK(ecom::log::parse_level("ERROR") == Level::error);
  CHECK_FALSE(ecom::log::parse_level("verbose").has_value());
  CHECK_FALSE(ecom::log::parse_level("").has_value());
  CHECK_FALSE(ecom::log::parse_level("information").has_value());
}

TEST_CASE("lines below the level are dropped and the rest reach the sink", "[log]") {
  CapturedLog log;
  ecom::log::set_level(Level::warn);
  CHECK_FALSE(ecom::log::enabled(Level::info));
  ecom::log::debug("d");
  ecom::log::info("i");
  ecom::log::warn("w", {{"k", "v"}});
  ecom::log::error("e");
  REQUIRE(log.lines().size() == 2);
  CHECK(field_string(parse_line(log.lines()[0]), "msg") == "w");
  CHECK(field_string(parse_line(log.lines()[0]), "k") == "v");
  CHECK(field_string(parse_line(log.lines()[1]), "level") == "error");

  ecom::log::set_level(Level::debug);
  ecom::log::debug("now visible");
  REQUIRE(log.lines().size() == 3);
  CHECK(field_string(parse_line(log.lines()[2]), "msg") == "now visible");
}

TEST_CASE("lines written from several threads arrive whole", "[log]") {
  CapturedLog log;
  constexpr int kThreads = 4;
  constexpr int kLines = 200;
  {
    std::vector<std::jthread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([t] {
        for (int i = 0; i < kLines; ++i) {
          ecom::log::info("concurrent", {{"thread", t}, {"i", i}});
        }
      });
    }
  }
  REQUIRE(log.lines().size() == static_cast<std::size_t>(kThreads * kLines));
  for (const auto& line : log.lines()) {
    CHECK(field_string(parse_line(line), "msg") == "concurrent");
  }
}
