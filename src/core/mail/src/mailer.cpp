// Outgoing email: see mailer.hpp. libcurl speaks SMTP (EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA with
// dot-stuffing); this file only queues, formats and hands each message over.
#include <ecom/mail/mailer.hpp>
#include <ecom/platform/log.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <ctime>
#include <curl/curl.h>
#include <mutex>
#include <string_view>
#include <utility>

namespace ecom::mail {
namespace {

std::once_flag curl_initialised;

bool one_line(std::string_view text) {
  return text.find_first_of("\r\n") == std::string_view::npos;
}

// RFC 2047 encoded word for a header value that is not plain ASCII.
std::string header_text(std::string_view text) {
  const bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    return std::string(text);
  }
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out = "=?UTF-8?B?";
  for (std::size_t i = 0; i < text.size(); i += 3) {
    const auto byte = [&](std::size_t k) -> std::uint32_t {
      return i + k < text.size() ? static_cast<std::uint32_t>(static_cast<unsigned char>(text[i + k])) : 0U;
    };
    const std::uint32_t chunk = (byte(0) << 16U) | (byte(1) << 8U) | byte(2);
    const std::size_t n = std::min<std::size_t>(3, text.size() - i);
    for (std::size_t k = 0; k < 4; ++k) {
      out += k <= n ? kAlphabet[(chunk >> (18U - 6U * k)) & 0x3FU] : '=';
    }
  }
  return out + "?=";
}

std::string rfc5322_date(std::chrono::system_clock::time_point at) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::array<char, 32> clock{};
  (void)std::strftime(clock.data(), clock.size(), "%d %%s %Y %H:%M:%S +0000", &tm);
  std::string out = std::string(kDays.at(static_cast<std::size_t>(tm.tm_wday))) + ", " + clock.data();
  out.replace(out.find("%s"), 2, kMonths.at(static_cast<std::size_t>(tm.tm_mon)));
  return out;
}

std::string message_id(std::string_view from, std::chrono::system_clock::time_point at) {
  static std::atomic<std::uint64_t> counter{0};
  const auto at_sign = from.rfind('@');
  const auto domain = at_sign == std::string_view::npos ? std::string_view("localhost") : from.substr(at_sign + 1);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
  return "<" + std::to_string(micros) + "." + std::to_string(++counter) + "@" + std::string(domain) + ">";
}

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_chunk(char* buffer, std::size_t size, std::size_t items, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * items, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// One message through the relay; the curl error text when it failed (it names no recipient).
std::string deliver(const SmtpOptions& options, const Email& email) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    return "curl_easy_init failed";
  }
  const auto text = format_message(email, options.from, std::chrono::system_clock::now());
  Upload upload{text};
  const std::string from = "<" + options.from + ">";
  const std::string to = "<" + email.to + ">";
  curl_slist* recipients = curl_slist_append(nullptr, to.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl, CURLOPT_USE_SSL, options.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY);
  if (!options.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, options.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_chunk);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
                   static_cast<long>(std::min<std::int64_t>(options.timeout.count(), 10)));
  const CURLcode result = curl_easy_perform(curl);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  return result == CURLE_OK ? std::string() : std::string(curl_easy_strerror(result));
}

}  // namespace

std::string format_message(const Email& email, std::string_view from, std::chrono::system_clock::time_point at) {
  std::string out;
  out += "Date: " + rfc5322_date(at) + "\r\n";
  out += "From: " + std::string(from) + "\r\n";
  out += "To: " + email.to + "\r\n";
  out += "Subject: " + header_text(email.subject) + "\r\n";
  out += "Message-ID: " + message_id(from, at) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: 8bit\r\n\r\n";
  for (const char c : email.text) {
    if (c == '\n') {
      out += "\r\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  if (!out.ends_with("\r\n")) {
    out += "\r\n";
  }
  return out;
}

SmtpMailer::SmtpMailer(SmtpOptions options) : options_(std::move(options)) {
  std::call_once(curl_initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  thread_ = std::thread([this] { run(); });
}

SmtpMailer::~SmtpMailer() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool SmtpMailer::send(Email email) {
  if (!one_line(email.to) || !one_line(email.subject) || email.to.empty()) {
    log::warn("email dropped: a recipient or subject with a line break");
    return false;
  }
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= options_.queue) {
      ++failed_;
      log::warn("email dropped: the mail queue is full", {{"queue", options_.queue}, {"subject", email.subject}});
      return false;
    }
    queue_.push_back(std::move(email));
  }
  wake_.notify_one();
  return true;
}

std::uint64_t SmtpMailer::sent() const {
  const std::lock_guard lock(mutex_);
  return sent_;
}

std::uint64_t SmtpMailer::failed() const {
  const std::lock_guard lock(mutex_);
  return failed_;
}

void SmtpMailer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      return;  // stopping, and everything queued has been tried
    }
    auto email = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    const auto error = deliver(options_, email);
    if (error.empty()) {
      log::info("email sent", {{"subject", email.subject}});
    } else {
      log::warn("email not sent: the relay refused it or was unreachable",
                {{"subject", email.subject}, {"error", error}});
    }
    lock.lock();
    ++(error.empty() ? sent_ : failed_);
  }
}

bool NoRelayMailer::send(Email email) {
  // The subject only: the body may hold a link with a secret token.
  log::warn("email not sent: no relay configured (set mail.smtp_url)", {{"subject", email.subject}});
  return false;
}

void declare_config(config::Schema& schema) {
  schema
      .string("mail.smtp_url", "",
              "SMTP relay for outgoing email: smtp://host:port (STARTTLS when offered) or smtps://host:port; empty: "
              "no email is sent, each is only logged without its body")
      .string("mail.from", "shop@localhost", "sender address of outgoing email (envelope and From header)")
      .string("mail.smtp_username", "", "user name for SMTP AUTH at the relay; empty: no authentication")
      .secret("mail.smtp_password", "password for SMTP AUTH at the relay (ECOM_MAIL_SMTP_PASSWORD)")
      .boolean("mail.require_tls", false, "refuse to send over smtp:// unless the relay offers STARTTLS")
      .integer("mail.queue_size", 1000, 1, 100'000,
               "emails waiting to be sent, at most; past that a new one is dropped with a warning")
      .integer("mail.timeout_seconds", 30, 1, 600, "how long one email may take at the relay");
}

SmtpOptions options_from(const config::Config& config) {
  SmtpOptions options;
  options.url = config.string("mail.smtp_url");
  options.from = config.string("mail.from");
  options.username = config.string("mail.smtp_username");
  options.password = config.string("mail.smtp_password");
  options.require_tls = config.boolean("mail.require_tls");
  options.queue = static_cast<std::size_t>(config.integer("mail.queue_size"));
  options.timeout = std::chrono::seconds(config.integer("mail.timeout_seconds"));
  if (!options.url.empty() && !options.url.starts_with("smtp://") && !options.url.starts_with("smtps://")) {
    throw config::ConfigError("mail.smtp_url: expected smtp://host:port or smtps://host:port, got \"" + options.url +
                              "\"");
  }
  if (!one_line(options.from) || options.from.find('@') == std::string::npos) {
    throw config::ConfigError("mail.from: expected an email address such as shop@example.com");
  }
  return options;
}

std::unique_ptr<Mailer> make_mailer(const SmtpOptions& options) {
  if (options.url.empty()) {
    return std::make_unique<NoRelayMailer>();
  }
  return std::make_unique<SmtpMailer>(options);
}

}  // namespace ecom::mail
