// The audit log: see audit.hpp. Statements name only this module's tables (0012_audit_log.sql).
#include <ecom/audit/audit.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/time.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <soci/soci.h>

#include <array>
#include <chrono>
#include <openssl/evp.h>

namespace ecom::audit {
namespace {

namespace json = boost::json;

constexpr const char* kTakeHead = "UPDATE audit_head SET seq = seq + 1 WHERE id = 1";
constexpr const char* kReadHead = "SELECT seq, hash FROM audit_head WHERE id = 1";
constexpr const char* kSetHead = "UPDATE audit_head SET hash = :hash WHERE id = 1";
constexpr const char* kInsert =
    "INSERT INTO audit_log (seq, at, actor_kind, actor_id, actor_name, client, request_id, action, object_type, "
    "object_id, object_key, before_json, after_json, prev_hash, hash) VALUES (:seq, :at, :actor_kind, :actor_id, "
    ":actor_name, :client, :request_id, :action, :object_type, :object_id, :object_key, :before_json, :after_json, "
    ":prev_hash, :hash)";
constexpr const char* kColumns =
    "SELECT seq, at, actor_kind, actor_id, actor_name, client, request_id, action, object_type, object_id, "
    "object_key, before_json, after_json, prev_hash, hash FROM audit_log ";

thread_local const Actor* t_actor = nullptr;

const Actor& system_actor() {
  static const Actor kSystem{};
  return kSystem;
}

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr);
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out += fmt::format("{:02x}", digest[i]);
  }
  return out;
}

struct Row {
  long long seq = 0;
  long long at = 0;
  std::string actor_kind;
  long long actor_id = 0;
  std::string actor_name;
  std::string client;
  std::string request_id;
  std::string action;
  std::string object_type;
  std::string object_id;
  std::string object_key;
  std::string before;
  std::string after;
  std::string prev_hash;
  std::string hash;

  // What the hash covers: every field but the hash, in a fixed order, as one JSON array (its
  // serialisation is the same bytes for the same values).
  [[nodiscard]] std::string computed_hash() const {
    const json::array fields{seq,    at,          actor_kind, actor_id,   actor_name, client, request_id,
                             action, object_type, object_id,  object_key, before,     after,  prev_hash};
    return sha256_hex(json::serialize(fields));
  }
  [[nodiscard]] Entry entry() const {
    return Entry{seq,        at,          Actor{actor_kind, actor_id, actor_name, client, request_id},
                 action,     object_type, object_id,
                 object_key, before,      after,
                 hash};
  }
};

void bind(soci::statement& st, Row& r) {
  st.exchange(soci::into(r.seq));
  st.exchange(soci::into(r.at));
  st.exchange(soci::into(r.actor_kind));
  st.exchange(soci::into(r.actor_id));
  st.exchange(soci::into(r.actor_name));
  st.exchange(soci::into(r.client));
  st.exchange(soci::into(r.request_id));
  st.exchange(soci::into(r.action));
  st.exchange(soci::into(r.object_type));
  st.exchange(soci::into(r.object_id));
  st.exchange(soci::into(r.object_key));
  st.exchange(soci::into(r.before));
  st.exchange(soci::into(r.after));
  st.exchange(soci::into(r.prev_hash));
  st.exchange(soci::into(r.hash));
  st.define_and_bind();
}

}  // namespace

Scope::Scope(Actor actor) : previous_(t_actor), actor_(std::move(actor)) {
  t_actor = &actor_;
}

Scope::~Scope() {
  t_actor = previous_;
}

const Actor& current_actor() {
  return t_actor != nullptr ? *t_actor : system_actor();
}

void record(soci::session& tx, const Change& change) {
  const auto& actor = current_actor();
  // Taking the head first holds its row lock (PostgreSQL) or the write lock (SQLite) until the
  // transaction ends: appends are one after another, each linked to the one before.
  tx << kTakeHead;
  Row r;
  tx << kReadHead, soci::into(r.seq), soci::into(r.prev_hash);
  r.at = time::now_us();
  r.actor_kind = actor.kind;
  r.actor_id = actor.id;
  r.actor_name = actor.name;
  r.client = actor.client;
  r.request_id = actor.request_id;
  r.action = change.action;
  r.object_type = change.object_type;
  r.object_id = change.object_id;
  r.object_key = change.object_key;
  r.before = json::serialize(change.before);
  r.after = json::serialize(change.after);
  r.hash = r.computed_hash();
  tx << kInsert, soci::use(r.seq, "seq"), soci::use(r.at, "at"), soci::use(r.actor_kind, "actor_kind"),
      soci::use(r.actor_id, "actor_id"), soci::use(r.actor_name, "actor_name"), soci::use(r.client, "client"),
      soci::use(r.request_id, "request_id"), soci::use(r.action, "action"), soci::use(r.object_type, "object_type"),
      soci::use(r.object_id, "object_id"), soci::use(r.object_key, "object_key"), soci::use(r.before, "before_json"),
      soci::use(r.after, "after_json"), soci::use(r.prev_hash, "prev_hash"), soci::use(r.hash, "hash");
  tx << kSetHead, soci::use(r.hash, "hash");
}

std::vector<Entry> list(db::Database& db, const Filter& filter) {
  if (filter.limit < 1 || filter.limit > 1000) {
    throw core::Error::bad_parameter("limit", "must be 1 to 1000");
  }
  // Every condition is always present and switched off by its own flag: one statement, every
  // value bound.
  const std::string where =
      "WHERE (:no_actor = 1 OR actor_name = :actor) AND (:no_type = 1 OR object_type = :type) "
      "AND (:no_id = 1 OR object_id = :id) AND at >= :from AND at < :to AND seq < :before "
      "ORDER BY seq DESC LIMIT :limit";
  const int no_actor = filter.actor ? 0 : 1;
  const int no_type = filter.object_type ? 0 : 1;
  const int no_id = filter.object_id ? 0 : 1;
  const std::string actor = filter.actor.value_or("");
  const std::string type = filter.object_type.value_or("");
  const std::string id = filter.object_id.value_or("");
  const long long from = filter.from_us.value_or(0);
  const long long to = filter.to_us.value_or(std::numeric_limits<long long>::max());
  const long long before = filter.before_seq.value_or(std::numeric_limits<long long>::max());
  const int limit = filter.limit;
  return db.read("", db::Consistency::strong, [&](soci::session& sql) {
    std::vector<Entry> out;
    Row r;
    soci::statement st =
        (sql.prepare << kColumns << where, soci::use(no_actor, "no_actor"), soci::use(actor, "actor"),
         soci::use(no_type, "no_type"), soci::use(type, "type"), soci::use(no_id, "no_id"), soci::use(id, "id"),
         soci::use(from, "from"), soci::use(to, "to"), soci::use(before, "before"), soci::use(limit, "limit"));
    bind(st, r);
    st.execute();
    while (st.fetch()) {
      out.push_back(r.entry());
    }
    return out;
  });
}

Verification verify(db::Database& db) {
  return db.read("", db::Consistency::strong, [&](soci::session& sql) {
    Verification out;
    Row r;
    std::string previous;
    long long expected_seq = 1;
    soci::statement st = (sql.prepare << kColumns << "ORDER BY seq");
    bind(st, r);
    st.execute();
    const auto broken = [&](long long seq, std::string reason) {
      out.intact = false;
      out.first_broken = seq;
      out.reason = std::move(reason);
    };
    while (st.fetch()) {
      ++out.entries;
      if (r.seq != expected_seq) {
        broken(expected_seq, fmt::format("entry {} is missing (the next one is {})", expected_seq, r.seq));
        return out;
      }
      if (r.prev_hash != previous) {
        broken(r.seq, fmt::format("entry {} does not link to the entry before it", r.seq));
        return out;
      }
      if (r.computed_hash() != r.hash) {
        broken(r.seq, fmt::format("entry {} was changed after it was written", r.seq));
        return out;
      }
      previous = r.hash;
      ++expected_seq;
    }
    long long head_seq = 0;
    std::string head_hash;
    sql << kReadHead, soci::into(head_seq), soci::into(head_hash);
    if (head_seq != expected_seq - 1 || head_hash != previous) {
      broken(expected_seq, fmt::format("the log ends at entry {} but its head says {}: entries were removed from "
                                       "the end",
                                       expected_seq - 1, head_seq));
    }
    return out;
  });
}

}  // namespace ecom::audit
