#include <ecom/platform/config.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

namespace ecom::config {
namespace {

char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
char to_upper(char c) noexcept {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), to_lower);
  return out;
}

std::string_view trim(std::string_view s) noexcept {
  constexpr std::string_view kSpace = " \t\r\n";
  auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) {
    return {};
  }
  auto last = s.find_last_not_of(kSpace);
  return s.substr(first, last - first + 1);
}

// Quotes a value for an error message; long values are cut so one bad key cannot flood the log.
std::string quote_for_message(std::string_view text) {
  constexpr std::size_t kMaxShown = 80;
  std::string shown = boost::json::serialize(boost::json::string_view(text.data(), text.size()));
  if (shown.size() > kMaxShown) {
    shown = shown.substr(0, kMaxShown) + "...";
  }
  return shown;
}

std::string show_json(const boost::json::value& v) {
  constexpr std::size_t kMaxShown = 80;
  std::string shown = boost::json::serialize(v);
  if (shown.size() > kMaxShown) {
    shown = shown.substr(0, kMaxShown) + "...";
  }
  return shown;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) {
      out += sep;
    }
    out += item;
  }
  return out;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  quoted.reserve(items.size());
  for (const auto& item : items) {
    quoted.push_back("'" + item + "'");
  }
  return join(quoted, ", ");
}

// What a key accepts, phrased to follow "expected ".
std::string expectation(const KeySpec& spec) {
  switch (spec.type) {
    case Type::integer:
      return fmt::format("an integer between {} and {}", spec.min, spec.max);
    case Type::boolean:
      return "a boolean (true or false)";
    case Type::string:
      if (!spec.one_of.empty()) {
        return "one of " + quoted_list(spec.one_of);
      }
      return "a string";
    case Type::string_list:
      return "a list of strings";
  }
  return "a value";
}

std::string_view type_name(Type type) noexcept {
  switch (type) {
    case Type::integer:
      return "integer";
    case Type::boolean:
      return "boolean";
    case Type::string:
      return "string";
    case Type::string_list:
      return "list of strings";
  }
  return "value";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The known key an operator most likely meant: a near spelling ("http.prot"), a different case
// ("HTTP.Port"), or the right leaf in the wrong section ("port" for "http.port").
std::optional<std::string> closest_key(const Schema& schema, std::string_view unknown) {
  const std::string unknown_lower = lower(unknown);
  const std::size_t tolerance = std::clamp<std::size_t>(unknown.size() / 4, 1, 3);
  std::optional<std::string> best;
  std::size_t best_distance = tolerance + 1;
  for (const auto& spec : schema.keys()) {
    const std::string known_lower = lower(spec.key);
    std::size_t distance = edit_distance(unknown_lower, known_lower);
    auto dot = known_lower.rfind('.');
    if (dot != std::string::npos && known_lower.substr(dot + 1) == unknown_lower) {
      distance = std::min<std::size_t>(distance, 1);
    }
    if (distance < best_distance) {
      best_distance = distance;
      best = spec.key;
    }
  }
  return best;
}

void flatten(const boost::json::object& object, const std::string& prefix,
             std::vector<std::pair<std::string, const boost::json::value*>>& out) {
  for (const auto& member : object) {
    std::string key = prefix.empty() ? std::string(member.key()) : prefix + "." + std::string(member.key());
    if (const auto* nested = member.value().if_object()) {
      flatten(*nested, key, out);
    } else {
      out.emplace_back(std::move(key), &member.value());
    }
  }
}

std::vector<std::pair<std::string, const boost::json::value*>> flatten(const boost::json::object& object) {
  std::vector<std::pair<std::string, const boost::json::value*>> out;
  flatten(object, "", out);
  return out;
}

void check_one_of(const KeySpec& spec, const std::string& value, const std::string& where) {
  if (!spec.one_of.empty() && std::find(spec.one_of.begin(), spec.one_of.end(), value) == spec.one_of.end()) {
    throw ConfigError(fmt::format("{}: expected {}, got {}", where, expectation(spec), quote_for_message(value)));
  }
}

std::int64_t check_range(const KeySpec& spec, std::int64_t value, const std::string& where, std::string_view shown) {
  if (value < spec.min || value > spec.max) {
    throw ConfigError(fmt::format("{}: expected {}, got {}", where, expectation(spec), shown));
  }
  return value;
}

// where: "<file>: <key>", so the operator sees both the file and the key.
Value from_json(const KeySpec& spec, const boost::json::value& v, const std::string& where) {
  auto wrong = [&]() {
    return ConfigError(fmt::format("{}: expected {}, got {}", where, expectation(spec), show_json(v)));
  };
  switch (spec.type) {
    case Type::integer:
      if (const auto* i = v.if_int64()) {
        return check_range(spec, *i, where, show_json(v));
      }
      if (const auto* u = v.if_uint64()) {
        if (*u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          throw wrong();
        }
        return check_range(spec, static_cast<std::int64_t>(*u), where, show_json(v));
      }
      throw wrong();
    case Type::boolean:
      if (const auto* b = v.if_bool()) {
        return *b;
      }
      throw wrong();
    case Type::string:
      if (const auto* s = v.if_string()) {
        std::string value(s->data(), s->size());
        check_one_of(spec, value, where);
        return value;
      }
      throw wrong();
    case Type::string_list: {
      const auto* array = v.if_array();
      if (array == nullptr) {
        throw wrong();
      }
      std::vector<std::string> items;
      items.reserve(array->size());
      for (const auto& item : *array) {
        const auto* s = item.if_string();
        if (s == nullptr) {
          throw wrong();
        }
        items.emplace_back(s->data(), s->size());
      }
      return items;
    }
  }
  throw wrong();
}

std::optional<bool> parse_bool(std::string_view text) {
  const std::string t = lower(text);
  if (t == "true" || t == "1" || t == "yes") {
    return true;
  }
  if (t == "false" || t == "0" || t == "no") {
    return false;
  }
  return std::nullopt;
}

Value from_env(const KeySpec& spec, const std::string& var, const std::string& text) {
  const std::string where = fmt::format("environment variable {} (key {})", var, spec.key);
  // A secret's value never goes into a message, even a malformed one.
  const std::string shown = spec.secret ? std::string("[secret]") : quote_for_message(text);
  auto wrong = [&]() { return ConfigError(fmt::format("{}: expected {}, got {}", where, expectation(spec), shown)); };
  switch (spec.type) {
    case Type::integer: {
      std::int64_t value = 0;
      const char* first = text.data();
      const char* last = first + text.size();
      auto [end, ec] = std::from_chars(first, last, value);
      if (text.empty() || ec != std::errc() || end != last) {
        throw wrong();
      }
      return check_range(spec, value, where, shown);
    }
    case Type::boolean:
      if (auto b = parse_bool(text)) {
        return *b;
      }
      throw wrong();
    case Type::string:
      check_one_of(spec, text, where);
      if (!text.empty() && text.size() < spec.min_length) {
        throw ConfigError(
            fmt::format("{}: expected at least {} bytes, got {} (generate one with `openssl rand -hex {}`)", where,
                        spec.min_length, text.size(), spec.min_length));
      }
      return text;
    case Type::string_list: {
      std::vector<std::string> items;
      std::string_view rest = text;
      while (true) {
        auto comma = rest.find(',');
        auto item = trim(rest.substr(0, comma));
        if (!item.empty()) {
          items.emplace_back(item);
        }
        if (comma == std::string_view::npos) {
          break;
        }
        rest.remove_prefix(comma + 1);
      }
      return items;
    }
  }
  throw wrong();
}

std::map<std::string, Value, std::less<>> resolve(const Schema& schema, const boost::json::object* file,
                                                  std::string_view source, const Environment& env) {
  std::map<std::string, Value, std::less<>> values;
  for (const auto& spec : schema.keys()) {
    values.emplace(spec.key, spec.default_value);
  }

  if (file != nullptr) {
    for (const auto& [key, value] : flatten(*file)) {
      const KeySpec* spec = schema.find(key);
      if (spec == nullptr) {
        std::string message = fmt::format("{}: unknown key '{}'", source, key);
        if (auto suggestion = closest_key(schema, key)) {
          message += fmt::format(" (did you mean '{}'?)", *suggestion);
        }
        throw ConfigError(message);
      }
      if (spec->secret) {
        throw ConfigError(
            fmt::format("{}: key '{}' is a secret and must not be in the file; set it with the "
                        "environment variable {}",
                        source, key, env_name(key)));
      }
      values[key] = from_json(*spec, *value, fmt::format("{}: {}", source, key));
    }
  }

  if (env) {
    for (const auto& spec : schema.keys()) {
      const std::string var = env_name(spec.key);
      if (auto text = env(var)) {
        values[spec.key] = from_env(spec, var, *text);
      }
    }
  }
  return values;
}

// "line 3, column 14" for the byte at offset in text (both counted from 1).
std::string position(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const auto before = text.substr(0, offset);
  const auto line = static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n')) + 1;
  const auto last_newline = before.rfind('\n');
  const std::size_t column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
  return fmt::format("line {}, column {}", line, column);
}

std::string describe_default(const KeySpec& spec) {
  if (spec.secret) {
    return "none (secret: set it only through the environment)";
  }
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return quote_for_message(v);
        } else {
          return v.empty() ? std::string("(empty)") : join(v, ",");
        }
      },
      spec.default_value);
}

// Schema mistakes are programming errors, caught by the first test that builds the schema.
void check_new_key(const Schema& schema, const std::string& key) {
  if (key.empty() || key.front() == '.' || key.back() == '.' || key.find("..") != std::string::npos) {
    throw std::logic_error(fmt::format("config schema: malformed key '{}'", key));
  }
  if (schema.find(key) != nullptr) {
    throw std::logic_error(fmt::format("config schema: key '{}' declared twice", key));
  }
  // A key that is also a section ("http" beside "http.port") could not be written in the file.
  for (const auto& spec : schema.keys()) {
    const auto& shorter = spec.key.size() < key.size() ? spec.key : key;
    const auto& longer = spec.key.size() < key.size() ? key : spec.key;
    if (longer.size() > shorter.size() && longer.compare(0, shorter.size(), shorter) == 0 &&
        longer[shorter.size()] == '.') {
      throw std::logic_error(fmt::format("config schema: key '{}' conflicts with '{}'", key, spec.key));
    }
  }
}

}  // namespace

Schema& Schema::integer(std::string key, std::int64_t def, std::int64_t min, std::int64_t max, std::string help) {
  if (min > max || def < min || def > max) {
    throw std::logic_error(fmt::format("config schema: key '{}': default {} is outside [{}, {}]", key, def, min, max));
  }
  KeySpec spec;
  spec.key = std::move(key);
  spec.type = Type::integer;
  spec.default_value = def;
  spec.min = min;
  spec.max = max;
  spec.help = std::move(help);
  check_new_key(*this, spec.key);
  keys_.push_back(std::move(spec));
  return *this;
}

Schema& Schema::boolean(std::string key, bool def, std::string help) {
  KeySpec spec;
  spec.key = std::move(key);
  spec.type = Type::boolean;
  spec.default_value = def;
  spec.help = std::move(help);
  check_new_key(*this, spec.key);
  keys_.push_back(std::move(spec));
  return *this;
}

Schema& Schema::string(std::string key, std::string def, std::string help, std::vector<std::string> one_of) {
  if (!one_of.empty() && std::find(one_of.begin(), one_of.end(), def) == one_of.end()) {
    throw std::logic_error(fmt::format("config schema: key '{}': default '{}' is not one of its values", key, def));
  }
  KeySpec spec;
  spec.key = std::move(key);
  spec.type = Type::string;
  spec.default_value = std::move(def);
  spec.one_of = std::move(one_of);
  spec.help = std::move(help);
  check_new_key(*this, spec.key);
  keys_.push_back(std::move(spec));
  return *this;
}

Schema& Schema::string_list(std::string key, std::vector<std::string> def, std::string help) {
  KeySpec spec;
  spec.key = std::move(key);
  spec.type = Type::string_list;
  spec.default_value = std::move(def);
  spec.help = std::move(help);
  check_new_key(*this, spec.key);
  keys_.push_back(std::move(spec));
  return *this;
}

Schema& Schema::rule(Rule check) {
  rules_.push_back(std::move(check));
  return *this;
}

Schema& Schema::secret(std::string key, std::string help, std::size_t min_length) {
  KeySpec spec;
  spec.key = std::move(key);
  spec.type = Type::string;
  spec.default_value = std::string();
  spec.secret = true;
  spec.min_length = min_length;
  spec.help = std::move(help);
  check_new_key(*this, spec.key);
  keys_.push_back(std::move(spec));
  return *this;
}

const KeySpec* Schema::find(std::string_view key) const noexcept {
  auto it = std::find_if(keys_.begin(), keys_.end(), [&](const KeySpec& k) { return k.key == key; });
  return it == keys_.end() ? nullptr : &*it;
}

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    // getenv is safe here because nothing in the process calls setenv after start-up.
    const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

std::string env_name(std::string_view key) {
  std::string out = "ECOM_";
  out.reserve(out.size() + key.size());
  for (char c : key) {
    // '-' is not valid in a shell variable name either.
    out.push_back(c == '.' || c == '-' ? '_' : to_upper(c));
  }
  return out;
}

Config Config::load(const Schema& schema, const std::filesystem::path& file, const Environment& env) {
  if (file.empty()) {
    Config config;
    config.values_ = resolve(schema, nullptr, "", env);
    for (const auto& check : schema.rules()) {
      check(config);
    }
    return config;
  }
  const std::string source = file.string();
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw ConfigError(fmt::format("cannot read config file '{}': it is a directory", source));
  }
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw ConfigError(
        fmt::format("cannot read config file '{}': {}", source, err != 0 ? std::strerror(err) : "cannot open"));
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    throw ConfigError(fmt::format("cannot read config file '{}': read error", source));
  }
  return parse(schema, text, source, env);
}

Config Config::parse(const Schema& schema, std::string_view json_text, std::string_view source,
                     const Environment& env) {
  // A stream parser reports how far it got, so the message can point at the line and column.
  boost::json::stream_parser parser;
  boost::json::error_code ec;
  const std::size_t consumed = parser.write(json_text.data(), json_text.size(), ec);
  if (!ec) {
    parser.finish(ec);
  }
  if (ec) {
    throw ConfigError(fmt::format("{}: invalid JSON at {}: {}", source, position(json_text, consumed), ec.message()));
  }
  boost::json::value root = parser.release();
  const auto* object = root.if_object();
  if (object == nullptr) {
    throw ConfigError(fmt::format("{}: expected a JSON object at the top level", source));
  }
  Config config;
  config.values_ = resolve(schema, object, source, env);
  for (const auto& check : schema.rules()) {
    check(config);
  }
  return config;
}

namespace {

template <typename T>
const T& get_as(const std::map<std::string, Value, std::less<>>& values, std::string_view key,
                std::string_view wanted) {
  auto it = values.find(key);
  if (it == values.end()) {
    throw std::logic_error(fmt::format("config: key '{}' is not in the schema", key));
  }
  const T* value = std::get_if<T>(&it->second);
  if (value == nullptr) {
    throw std::logic_error(fmt::format("config: key '{}' is not {}", key, wanted));
  }
  return *value;
}

}  // namespace

std::int64_t Config::integer(std::string_view key) const {
  return get_as<std::int64_t>(values_, key, "an integer");
}

bool Config::boolean(std::string_view key) const {
  return get_as<bool>(values_, key, "a boolean");
}

const std::string& Config::string(std::string_view key) const {
  return get_as<std::string>(values_, key, "a string");
}

const std::vector<std::string>& Config::string_list(std::string_view key) const {
  return get_as<std::vector<std::string>>(values_, key, "a list of strings");
}

std::string Config::describe(const Schema& schema) {
  std::string out;
  for (const auto& spec : schema.keys()) {
    out += spec.key + "\n";
    out += "    env:     " + env_name(spec.key) + "\n";
    std::string type(type_name(spec.type));
    if (spec.type == Type::integer) {
      type += fmt::format(", {} to {}", spec.min, spec.max);
    } else if (!spec.one_of.empty()) {
      type += ", one of " + join(spec.one_of, ", ");
    }
    if (spec.type == Type::string_list) {
      type += " (comma-separated in the environment)";
    }
    out += "    type:    " + type + "\n";
    out += "    default: " + describe_default(spec) + "\n";
    if (!spec.help.empty()) {
      out += "    " + spec.help + "\n";
    }
  }
  return out;
}

}  // namespace ecom::config
