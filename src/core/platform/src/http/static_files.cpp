#include <ecom/platform/http/etag.hpp>
#include <ecom/platform/http/static_files.hpp>
#include <ecom/platform/log.hpp>

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace ecom::http {
namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kNoCache = "no-cache";
constexpr std::string_view kDefaultType = "application/octet-stream";

char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trim(std::string_view s) noexcept {
  constexpr std::string_view kSpace = " \t";
  auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) {
    return {};
  }
  auto last = s.find_last_not_of(kSpace);
  return s.substr(first, last - first + 1);
}

// Splits a header list ("a, b, c") and calls f on each trimmed, non-empty element.
template <typename F>
void for_each_list_item(std::string_view list, F&& f) {
  while (true) {
    auto comma = list.find(',');
    auto item = trim(list.substr(0, comma));
    if (!item.empty()) {
      f(item);
    }
    if (comma == std::string_view::npos) {
      return;
    }
    list.remove_prefix(comma + 1);
  }
}

std::uint64_t fnv1a64(std::string_view data) noexcept {
  constexpr std::uint64_t kOffset = 14695981039346656037ULL;
  constexpr std::uint64_t kPrime = 1099511628211ULL;
  std::uint64_t h = kOffset;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= kPrime;
  }
  return h;
}

bool is_compressible(std::string_view content_type) noexcept {
  return content_type.starts_with("text/") || content_type.find("javascript") != std::string_view::npos ||
         content_type.find("json") != std::string_view::npos || content_type.find("svg") != std::string_view::npos ||
         content_type.find("xml") != std::string_view::npos;
}

// The gzip member for body at the best level; empty when zlib fails or the body is too large for
// one deflate call (such files are served uncompressed).
std::string gzip(std::string_view body) {
  if (body.size() > UINT_MAX / 2) {
    return {};
  }
  z_stream zs{};
  constexpr int kGzipWindowBits = 15 + 16;  // 16 asks zlib for a gzip header and trailer
  constexpr int kMemLevel = 8;
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(body.size())), '\0');
  // zlib's interface is not const-correct without ZLIB_CONST; deflate only reads next_in.
  zs.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(body.data()));
  zs.avail_in = static_cast<uInt>(body.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const auto written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return {};
  }
  out.resize(written);
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error(fmt::format("static files: cannot open '{}'", path.string()));
  }
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    throw std::runtime_error(fmt::format("static files: cannot read '{}'", path.string()));
  }
  return body;
}

// "storefront/app.css" + "3f2a9c1e" -> "storefront/app.3f2a9c1e.css".
std::string fingerprinted(std::string_view logical, std::string_view hash8) {
  const auto slash = logical.rfind('/');
  const auto name_start = slash == std::string_view::npos ? 0 : slash + 1;
  const auto dot = logical.rfind('.');
  if (dot == std::string_view::npos || dot <= name_start) {
    return fmt::format("{}.{}", logical, hash8);
  }
  return fmt::format("{}.{}{}", logical.substr(0, dot), hash8, logical.substr(dot));
}

bool is_within(const std::filesystem::path& root, const std::filesystem::path& p) {
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) {
      return false;
    }
  }
  return true;
}

// q=0 (or 0.0, 0.000) means "not acceptable" (RFC 9110 12.4.2).
bool q_is_zero(std::string_view params) {
  bool zero = false;
  while (!params.empty()) {
    auto semi = params.find(';');
    auto param = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    if (param.size() >= 2 && to_lower(param[0]) == 'q' && trim(param.substr(1)).starts_with('=')) {
      auto value = trim(trim(param.substr(1)).substr(1));
      zero = !value.empty() && value.find_first_not_of("0.") == std::string_view::npos;
    }
  }
  return zero;
}

bool accepts_gzip(std::string_view accept_encoding) {
  std::optional<bool> gzip_listed;
  bool wildcard = false;
  for_each_list_item(accept_encoding, [&](std::string_view item) {
    auto semi = item.find(';');
    auto coding = trim(item.substr(0, semi));
    auto params = semi == std::string_view::npos ? std::string_view{} : item.substr(semi + 1);
    const bool acceptable = !q_is_zero(params);
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
      gzip_listed = acceptable;
    } else if (coding == "*") {
      wildcard = acceptable;
    }
  });
  return gzip_listed.value_or(wildcard);
}

}  // namespace

std::optional<std::string> safe_relative_path(std::string_view decoded) {
  if (decoded.empty() || decoded.front() == '/') {
    return std::nullopt;
  }
  for (char c : decoded) {
    const auto u = static_cast<unsigned char>(c);
    // Backslash is a separator on Windows and in some proxies' normalisation; ':' makes "C:" a
    // drive; control characters (NUL among them) have no business in an asset name.
    if (c == '\\' || c == ':' || u < 0x20 || u == 0x7F) {
      return std::nullopt;
    }
  }
  std::string_view rest = decoded;
  while (true) {
    auto slash = rest.find('/');
    auto segment = rest.substr(0, slash);
    // Covers "", ".", ".." and dot-files such as ".env" or ".git".
    if (segment.empty() || segment.front() == '.') {
      return std::nullopt;
    }
    if (slash == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(slash + 1);
  }
  return std::string(decoded);
}

std::string_view content_type_for(std::string_view path) noexcept {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 21> kTypes{{
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"txt", "text/plain; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"avif", "image/avif"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"xml", "application/xml"},
      {"pdf", "application/pdf"},
      {"webmanifest", "application/manifest+json"},
  }};
  const auto slash = path.rfind('/');
  const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) {
    return kDefaultType;
  }
  const auto ext = name.substr(dot + 1);
  for (const auto& [known, type] : kTypes) {
    if (iequals(ext, known)) {
      return type;
    }
  }
  return kDefaultType;
}

std::shared_ptr<const StaticFiles> StaticFiles::load(const std::filesystem::path& root, std::string url_prefix,
                                                     std::size_t max_file_bytes) {
  namespace fs = std::filesystem;
  auto files = std::make_shared<StaticFiles>();
  while (!url_prefix.empty() && url_prefix.back() == '/') {
    url_prefix.pop_back();
  }
  files->prefix_ = std::move(url_prefix);

  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return files;
  }
  const fs::path canonical_root = fs::canonical(root);

  // Two passes so that a fingerprinted name never shadows a real file of the same name.
  std::vector<std::pair<std::string, std::shared_ptr<const File>>> fingerprinted_files;
  for (auto it = fs::recursive_directory_iterator(canonical_root); it != fs::recursive_directory_iterator(); ++it) {
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    if (name.starts_with('.')) {
      if (entry.is_directory()) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!entry.is_regular_file()) {
      continue;  // directories are walked; sockets, fifos and dangling links are not assets
    }
    if (entry.path().extension() == ".mustache") {
      continue;  // server-side templates (ecom::web) live beside the assets but are not served
    }
    if (entry.is_symlink()) {
      const fs::path target = fs::canonical(entry.path(), ec);
      if (ec || !is_within(canonical_root, target)) {
        log::warn("static file links outside the root, skipped", {{"path", entry.path().string()}});
        continue;
      }
    }
    const std::string rel = entry.path().lexically_relative(canonical_root).generic_string();
    if (!safe_relative_path(rel)) {
      log::warn("static file name cannot be served, skipped", {{"path", rel}});
      continue;
    }
    const std::uintmax_t bytes = entry.file_size();
    if (bytes > max_file_bytes) {
      log::warn("static file too large, skipped",
                {{"path", rel}, {"bytes", static_cast<std::uint64_t>(bytes)}, {"limit", max_file_bytes}});
      continue;
    }

    File file;
    file.body = read_file(entry.path());
    const std::string hash = fmt::format("{:016x}", fnv1a64(file.body));
    file.etag = "\"" + hash + "\"";
    file.content_type = std::string(content_type_for(rel));
    if (is_compressible(file.content_type)) {
      std::string gz = gzip(file.body);
      // Below a 10% saving the CPU spent by the client to inflate is not worth the bytes.
      if (!gz.empty() && gz.size() * 10 <= file.body.size() * 9) {
        file.gzip_body = std::move(gz);
      }
    }

    // The fingerprinted name gets its own File (a copy) so each name carries its own flag, at
    // the cost of holding each asset twice; assets are small and loaded once.
    auto fingerprinted_file = std::make_shared<File>(file);
    fingerprinted_file->fingerprinted = true;
    std::string fingerprinted_name = fingerprinted(rel, std::string_view(hash).substr(0, 8));
    files->fingerprinted_name_.emplace(rel, fingerprinted_name);
    fingerprinted_files.emplace_back(std::move(fingerprinted_name), std::move(fingerprinted_file));
    files->files_.emplace(rel, std::make_shared<const File>(std::move(file)));
  }
  for (auto& [name, file] : fingerprinted_files) {
    files->files_.try_emplace(std::move(name), std::move(file));
  }
  return files;
}

Response StaticFiles::serve(const Request& req, std::string_view rel) const {
  if (req.method != Method::get && req.method != Method::head) {
    Response r = Response::text(405, "method not allowed");
    r.headers.set("Allow", "GET, HEAD");
    return r;
  }
  const auto safe = safe_relative_path(rel);
  if (!safe) {
    return Response::text(404, "not found");
  }
  const auto it = files_.find(*safe);
  if (it == files_.end()) {
    return Response::text(404, "not found");
  }
  const File& file = *it->second;
  const bool compressible = is_compressible(file.content_type);

  Response r;
  r.headers.set("ETag", file.etag);
  r.headers.set("Cache-Control", std::string(file.fingerprinted ? kImmutable : kNoCache));
  if (compressible) {
    r.headers.set("Vary", "Accept-Encoding");
  }

  if (auto inm = req.header("If-None-Match"); inm && if_none_match(*inm, file.etag)) {
    r.status = 304;
    return r;
  }

  r.status = 200;
  r.headers.set("Content-Type", file.content_type);
  const bool use_gzip = !file.gzip_body.empty() && accepts_gzip(req.header("Accept-Encoding").value_or(""));
  if (use_gzip) {
    r.headers.set("Content-Encoding", "gzip");
  }
  const std::string& body = use_gzip ? file.gzip_body : file.body;
  if (req.method == Method::head) {
    r.headers.set("Content-Length", std::to_string(body.size()));
  } else {
    r.body = body;
  }
  return r;
}

std::string StaticFiles::asset_url(std::string_view logical) const {
  while (logical.starts_with('/')) {
    logical.remove_prefix(1);
  }
  const auto it = fingerprinted_name_.find(logical);
  if (it == fingerprinted_name_.end()) {
    return prefix_ + "/" + std::string(logical);
  }
  return prefix_ + "/" + it->second;
}

}  // namespace ecom::http
