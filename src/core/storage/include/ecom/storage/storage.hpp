// The storage module: files the shop keeps (product images), addressed by a key such as
// "products/12/3f2a9c1e0b7d4a6e.png", behind one interface so that the local disk (the default)
// can be swapped for an object store without touching the catalog. Keys are public: they become
// URL paths under the asset base URL (assets.base_url), which a CDN may front, so a key that holds
// a content hash can be cached forever.
//
// Keys are validated before any file-system access: lower-case letters, digits, '/', '_', '.' and
// '-' only, no leading or trailing '/', no empty segment, and no segment starting with '.' (so
// "..", "." and hidden files such as LocalDiskStorage's temporary files are unreachable).
#pragma once

#include <ecom/platform/config.hpp>

#include <cstdint>
#include <filesystem>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::storage {

inline constexpr std::size_t kMaxKeyLength = 255;

// True when key follows the rules above.
[[nodiscard]] bool valid_key(std::string_view key) noexcept;

class Storage {
 public:
  Storage() = default;
  virtual ~Storage() = default;
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  // Stores bytes under key, replacing what was there; readers see the old or the new bytes, never
  // a partial file. bad_request for an invalid key; unavailable when the backend cannot write.
  virtual void put(std::string_view key, std::string_view bytes) = 0;
  // The bytes under key; nullopt when absent (or the key is invalid).
  [[nodiscard]] virtual std::optional<std::string> get(std::string_view key) const = 0;
  // A stream over the bytes for large files; nullptr when absent (or the key is invalid).
  [[nodiscard]] virtual std::unique_ptr<std::istream> open(std::string_view key) const = 0;
  // Removes the key; false when there was nothing to remove. unavailable when the backend fails.
  virtual bool remove(std::string_view key) = 0;
  [[nodiscard]] virtual bool exists(std::string_view key) const = 0;
};

// Files below a root folder, one file per key (the key's '/' are sub-folders). Writes go to a
// hidden temporary file in the target folder, are flushed to disk, then renamed over the target,
// which POSIX makes atomic.
class LocalDiskStorage final : public Storage {
 public:
  explicit LocalDiskStorage(std::filesystem::path root);

  void put(std::string_view key, std::string_view bytes) override;
  [[nodiscard]] std::optional<std::string> get(std::string_view key) const override;
  [[nodiscard]] std::unique_ptr<std::istream> open(std::string_view key) const override;
  bool remove(std::string_view key) override;
  [[nodiscard]] bool exists(std::string_view key) const override;

  [[nodiscard]] const std::filesystem::path& root() const noexcept { return root_; }
  // The file of a valid key; nullopt for an invalid one.
  [[nodiscard]] std::optional<std::filesystem::path> path_of(std::string_view key) const;

 private:
  std::filesystem::path root_;
};

struct StorageOptions {
  std::string root = "var/media";                   // storage.root
  std::int64_t max_image_bytes = 10 * 1024 * 1024;  // storage.max_image_bytes
  std::int64_t max_image_pixels = 8000;             // storage.max_image_pixels: width and height each
  // assets.base_url: where the stored files are served, "/media" (our own processes, kLocalMediaUrl)
  // or the http(s) URL of a CDN fronting them; image URLs are <asset_base_url>/<key>.
  std::string asset_base_url = "/media";
};

// Declares storage.root, storage.max_image_bytes, storage.max_image_pixels and assets.base_url (the
// one declaration every binary that shows or stores images uses), and reads them back. Throws
// config::ConfigError naming assets.base_url unless it is a path starting with "/" or an http(s)
// URL, without a trailing slash.
void declare_config(config::Schema& schema);
[[nodiscard]] StorageOptions options_from(const config::Config& config);
// The check options_from makes of assets.base_url; exposed for its test.
void check_asset_base_url(const std::string& url);

}  // namespace ecom::storage
