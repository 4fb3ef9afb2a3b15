// Outgoing email (docs/identity.md#the-mailer): a message is handed to a Mailer, which never blocks
// the caller. SmtpMailer keeps a bounded queue in this process and a thread of its own that sends
// each message to the configured SMTP relay through libcurl; a full queue drops the message with a
// warning, so a request thread never waits for the network. Without a relay (the embedded default)
// NoRelayMailer writes one line per message to the log ("email not sent: no relay configured"),
// with the subject only: a message's body may hold a secret link, and a log is no place for it.
//
// This is transport only. What to tell whom, and when, is the domain modules' business.
#pragma once

#include <ecom/platform/config.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace ecom::mail {

struct Email {
  std::string to;       // one address; CR and LF are refused
  std::string subject;  // one line
  std::string text;     // plain text, lines separated by '\n'
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  Mailer() = default;
  Mailer(const Mailer&) = delete;
  Mailer& operator=(const Mailer&) = delete;
  Mailer(Mailer&&) = delete;
  Mailer& operator=(Mailer&&) = delete;

  // Takes the message for sending and returns at once, without I/O. False when it was dropped (a
  // full queue, an address with a line break): the caller's answer must not depend on it.
  virtual bool send(Email email) = 0;
};

struct SmtpOptions {
  // smtp://host[:port] (STARTTLS when the relay offers it, required with require_tls) or
  // smtps://host[:port] (TLS from the start). Empty: no relay.
  std::string url;
  std::string from = "shop@localhost";  // the envelope sender and the From header
  std::string username;                 // empty: no authentication
  std::string password;                 // from the environment only (mail.smtp_password)
  bool require_tls = false;             // refuse to send over smtp:// without STARTTLS
  std::size_t queue = 1000;             // messages waiting for the sender thread, at most
  std::chrono::seconds timeout{30};     // per message: connect, dialogue and data
};

// Sends through an SMTP relay from a thread of its own. The destructor stops taking messages,
// sends what is queued (each within the timeout) and joins the thread.
class SmtpMailer final : public Mailer {
 public:
  explicit SmtpMailer(SmtpOptions options);
  ~SmtpMailer() override;
  SmtpMailer(const SmtpMailer&) = delete;
  SmtpMailer& operator=(const SmtpMailer&) = delete;
  SmtpMailer(SmtpMailer&&) = delete;
  SmtpMailer& operator=(SmtpMailer&&) = delete;

  bool send(Email email) override;

  // Messages the relay accepted, and those that failed or were dropped, since start.
  [[nodiscard]] std::uint64_t sent() const;
  [[nodiscard]] std::uint64_t failed() const;

 private:
  void run();

  SmtpOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Email> queue_;
  bool stopping_ = false;
  std::uint64_t sent_ = 0;
  std::uint64_t failed_ = 0;
  std::thread thread_;
};

// The embedded default: no relay, so nothing is sent; one log line per message, without its body.
class NoRelayMailer final : public Mailer {
 public:
  bool send(Email email) override;
};

// The mail.* keys (docs/configuration.md).
void declare_config(config::Schema& schema);
[[nodiscard]] SmtpOptions options_from(const config::Config& config);
// An SmtpMailer for a configured relay, else a NoRelayMailer.
[[nodiscard]] std::unique_ptr<Mailer> make_mailer(const SmtpOptions& options);

// The message as sent (RFC 5322, CRLF line ends): Date, From, To, Subject, Message-ID, MIME-Version
// and Content-Type headers, then the text. Exposed for tests.
[[nodiscard]] std::string format_message(const Email& email, std::string_view from,
                                         std::chrono::system_clock::time_point at);

}  // namespace ecom::mail
