// A small SMTP server for tests (RFC 5321's core: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT),
// on an ephemeral loopback port, that records every message it accepts. It is the relay the
// mailer talks to in tests: the real protocol over a real socket, no mock. No TLS and no AUTH, so
// clients that only try STARTTLS send in the clear here.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ecom::test {

struct SmtpMessage {
  std::string from;                                               // MAIL FROM's address, without the brackets
  std::vector<std::string> to;                                    // each RCPT TO
  std::string data;                                               // what followed DATA, dot-stuffing undone, CRLF kept
  [[nodiscard]] std::string body() const;                         // data after the blank line that ends the headers
  [[nodiscard]] std::string header(std::string_view name) const;  // "" when absent
};

class SmtpServer {
 public:
  SmtpServer();  // listening when constructed
  ~SmtpServer();
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::string url() const;  // smtp://127.0.0.1:<port>

  [[nodiscard]] std::vector<SmtpMessage> messages() const;
  // Waits until at least `count` messages have arrived, or the timeout; returns what is there.
  [[nodiscard]] std::vector<SmtpMessage> wait_for(std::size_t count,
                                                  std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;

 private:
  void serve();
  void session(int fd);

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<SmtpMessage> messages_;
  std::thread thread_;
};

}  // namespace ecom::test
