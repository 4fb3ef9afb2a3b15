// The mailer against a real SMTP server on loopback (tests/support/smtp_server.hpp).
#include "smtp_server.hpp"

#include <ecom/mail/mailer.hpp>
#include <ecom/platform/log.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace {

using ecom::mail::Email;
using ecom::mail::SmtpMailer;
using ecom::mail::SmtpOptions;

SmtpOptions options_for(const ecom::test::SmtpServer& server) {
  SmtpOptions options;
  options.url = server.url();
  options.from = "shop@example.com";
  options.timeout = std::chrono::seconds(10);
  return options;
}

}  // namespace

TEST_CASE("mail: a message reaches the relay with its headers and text, dots stuffed and unstuffed", "[mail]") {
  ecom::test::SmtpServer server;
  {
    SmtpMailer mailer(options_for(server));
    CHECK(mailer.send(Email{"ada@example.com", "Reset your password", "Hello Ada,\n.a line with a dot\nBye\n"}));
    const auto got = server.wait_for(1);
    REQUIRE(got.size() == 1);
    CHECK(got[0].from == "shop@example.com");
    CHECK(got[0].to == std::vector<std::string>{"ada@example.com"});
    CHECK(got[0].header("Subject") == "Reset your password");
    CHECK(got[0].header("From") == "shop@example.com");
    CHECK(got[0].header("To") == "ada@example.com");
    CHECK(got[0].header("Content-Type") == "text/plain; charset=utf-8");
    CHECK_FALSE(got[0].header("Message-ID").empty());
    CHECK(got[0].body() == "Hello Ada,\r\n.a line with a dot\r\nBye\r\n");
  }
}

TEST_CASE("mail: the destructor sends what is queued, and counts what the relay accepted", "[mail]") {
  ecom::test::SmtpServer server;
  {
    SmtpMailer mailer(options_for(server));
    for (int i = 0; i < 3; ++i) {
      CHECK(mailer.send(Email{"n" + std::to_string(i) + "@example.com", "Hello", "text"}));
    }
  }
  CHECK(server.messages().size() == 3);
}

TEST_CASE("mail: a full queue drops the message at once and says so in the log", "[mail]") {
  std::mutex mutex;
  std::vector<std::string> lines;
  ecom::log::set_sink([&](std::string_view line) {
    const std::lock_guard lock(mutex);
    lines.emplace_back(line);
  });
  auto options = SmtpOptions{};
  options.url = "smtp://127.0.0.1:9";  // nothing listens: each send fails, slowly or fast
  options.queue = 1;
  options.timeout = std::chrono::seconds(1);
  {
    SmtpMailer mailer(options);
    int accepted = 0;
    for (int i = 0; i < 5; ++i) {
      accepted += mailer.send(Email{"ada@example.com", "Hello", "secret link"}) ? 1 : 0;
    }
    CHECK(accepted <= 2);  // the one queued, and perhaps one the thread took already
  }
  ecom::log::set_sink({});
  const std::lock_guard lock(mutex);
  CHECK(std::any_of(lines.begin(), lines.end(),
                    [](const std::string& l) { return l.find("the mail queue is full") != std::string::npos; }));
  CHECK(std::none_of(lines.begin(), lines.end(),
                     [](const std::string& l) { return l.find("secret link") != std::string::npos; }));
}

TEST_CASE("mail: a recipient with a line break is refused, not sent", "[mail]") {
  ecom::test::SmtpServer server;
  {
    SmtpMailer mailer(options_for(server));
    CHECK_FALSE(mailer.send(Email{"ada@example.com\r\nBcc: eve@example.com", "Hello", "text"}));
  }
  CHECK(server.messages().empty());
}

TEST_CASE("mail: without a relay nothing is sent and the log has the subject, never the text", "[mail]") {
  std::vector<std::string> lines;
  ecom::log::set_sink([&](std::string_view line) { lines.emplace_back(line); });
  ecom::mail::NoRelayMailer mailer;
  CHECK_FALSE(mailer.send(Email{"ada@example.com", "Reset your password", "https://shop/reset?token=abc"}));
  ecom::log::set_sink({});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("email not sent: no relay configured") != std::string::npos);
  CHECK(lines[0].find("Reset your password") != std::string::npos);
  CHECK(lines[0].find("token=abc") == std::string::npos);
}

TEST_CASE("mail: a subject beyond ASCII is an encoded word", "[mail]") {
  const auto text = ecom::mail::format_message(Email{"a@example.com", "Grüße", "x"}, "shop@example.com",
                                               std::chrono::system_clock::time_point{});
  CHECK(text.find("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n") != std::string::npos);
  CHECK(text.find("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n") != std::string::npos);
}
