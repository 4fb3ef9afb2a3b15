// Configuration: one JSON file per binary, every key overridable by an environment variable,
// secrets only from the environment. Each component declares its keys in a Schema; loading
// rejects unknown keys and bad values with a message naming the key and what was expected, so a
// typo stops start-up instead of being silently ignored.
//
// Keys are dotted paths into the JSON file ("http.port" is {"http": {"port": ...}}). The
// environment variable for a key is ECOM_ + the key upper-cased with '.' replaced by '_':
// http.port -> ECOM_HTTP_PORT, http.trusted_proxies -> ECOM_HTTP_TRUSTED_PROXIES. Lists are
// comma-separated in the environment.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ecom::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Type { integer, boolean, string, string_list };

using Value = std::variant<std::int64_t, bool, std::string, std::vector<std::string>>;

struct KeySpec {
  std::string key;
  Type type = Type::string;
  Value default_value;
  std::int64_t min = 0;  // integers only
  std::int64_t max = 0;
  std::vector<std::string> one_of;  // strings only; empty means any
  bool secret = false;              // only from the environment; never printed
  std::size_t min_length = 0;       // secrets: a value that is set must have at least this many bytes
  std::string help;
};

class Config;

class Schema {
 public:
  // A check over several keys (a secret some flag makes required), run at every load, so that
  // --check-config reports it as start-up would. It throws ConfigError naming the key.
  using Rule = std::function<void(const Config&)>;

  Schema& integer(std::string key, std::int64_t def, std::int64_t min, std::int64_t max, std::string help);
  Schema& boolean(std::string key, bool def, std::string help);
  Schema& string(std::string key, std::string def, std::string help, std::vector<std::string> one_of = {});
  Schema& string_list(std::string key, std::vector<std::string> def, std::string help);
  // A secret: rejected when it appears in the file, read only from its environment variable. When
  // set, it must have at least min_length bytes (a signing key guessable by brute force is none).
  Schema& secret(std::string key, std::string help, std::size_t min_length = 0);

  Schema& rule(Rule check);

  [[nodiscard]] const std::vector<KeySpec>& keys() const noexcept { return keys_; }
  [[nodiscard]] const std::vector<Rule>& rules() const noexcept { return rules_; }
  [[nodiscard]] const KeySpec* find(std::string_view key) const noexcept;

 private:
  std::vector<KeySpec> keys_;
  std::vector<Rule> rules_;
};

// Looks up an environment variable; tests pass their own.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
[[nodiscard]] Environment process_environment();

// The environment variable name for a key: "http.port" -> "ECOM_HTTP_PORT".
[[nodiscard]] std::string env_name(std::string_view key);

class Config {
 public:
  // Reads the file (it must exist and hold a JSON object; "" means no file: defaults and env only),
  // then applies environment overrides, then validates. Throws ConfigError naming the key.
  static Config load(const Schema& schema, const std::filesystem::path& file, const Environment& env);
  // Same from JSON text already in memory (source names it in messages).
  static Config parse(const Schema& schema, std::string_view json_text, std::string_view source,
                      const Environment& env);

  [[nodiscard]] std::int64_t integer(std::string_view key) const;
  [[nodiscard]] bool boolean(std::string_view key) const;
  [[nodiscard]] const std::string& string(std::string_view key) const;
  [[nodiscard]] const std::vector<std::string>& string_list(std::string_view key) const;

  // Human-readable listing of every key, its environment variable and its help; for --help.
  [[nodiscard]] static std::string describe(const Schema& schema);

 private:
  std::map<std::string, Value, std::less<>> values_;
};

}  // namespace ecom::config
