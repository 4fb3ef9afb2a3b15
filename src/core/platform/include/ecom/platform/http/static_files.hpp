// Static assets under web/: loaded into memory at start-up with a strong ETag (content hash), a
// gzip variant for compressible types, and a fingerprinted name (app.css -> app.3f2a9c1e.css) so
// pages can link an immutable URL that any CDN may cache for a year. Paths are checked before any
// file-system access: '..', backslashes, absolute paths, NUL and dot-files are refused.
#pragma once

#include <ecom/platform/http/message.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::http {

// Returns the path unchanged when it is a safe relative path below a root ("css/app.css"), else
// nullopt. Input is already percent-decoded.
[[nodiscard]] std::optional<std::string> safe_relative_path(std::string_view decoded);

// Content type by extension ("text/css; charset=utf-8", "image/png", ...).
[[nodiscard]] std::string_view content_type_for(std::string_view path) noexcept;

class StaticFiles {
 public:
  // Loads every regular file below root (recursively; files over max_file_bytes are skipped with a
  // warning; dot-files and *.mustache templates, which the server renders itself, are skipped). A missing root gives an
  // empty set. url_prefix is where they are mounted ("/static").
  static std::shared_ptr<const StaticFiles> load(const std::filesystem::path& root, std::string url_prefix,
                                                 std::size_t max_file_bytes = 8 * 1024 * 1024);

  // Answers GET/HEAD for rel, the decoded part of the path after url_prefix + "/". Handles
  // If-None-Match (304), Accept-Encoding gzip (Content-Encoding + Vary), Cache-Control
  // (immutable for fingerprinted names, no-cache otherwise) and 404 for anything unknown or unsafe.
  [[nodiscard]] Response serve(const Request& req, std::string_view rel) const;

  // Public URL of a logical asset: asset_url("storefront/app.css") -> "/static/storefront/app.3f2a9c1e.css".
  // Unknown names are returned under the prefix unchanged.
  [[nodiscard]] std::string asset_url(std::string_view logical) const;

  [[nodiscard]] std::size_t size() const noexcept { return files_.size(); }

  struct File {
    std::string body;
    std::string gzip_body;  // empty when not worth compressing
    std::string etag;       // quoted strong validator
    std::string content_type;
    bool fingerprinted = false;
  };

 private:
  std::string prefix_;
  std::map<std::string, std::shared_ptr<const File>, std::less<>> files_;  // logical and fingerprinted names
  std::map<std::string, std::string, std::less<>> fingerprinted_name_;     // logical -> fingerprinted
};

}  // namespace ecom::http
