// The admin API for product images (catalog.read / catalog.write):
//   POST   /api/v1/admin/products/{id}/images?alt=...   raw image body, Content-Type image/png,
//          image/jpeg, image/gif or image/webp (it must be what the bytes are, else 415) -> 201
//   GET    /api/v1/admin/products/{id}/images            -> {"items": [image, ...]}
//   PATCH  /api/v1/admin/products/{id}/images/{image_id} {"alt"?: string, "position"?: int} -> image
//   DELETE /api/v1/admin/products/{id}/images/{image_id} -> 204
// An image is {"id", "path", "alt", "width", "height", "position", "url"}; url is the asset base
// URL + "/" + path. Uploads are bounded by the server's body limit (http.max_body_bytes) as well as
// by storage.max_image_bytes: the admin's body limit must be at least the image limit.
#pragma once

#include <ecom/cache/cache.hpp>
#include <ecom/catalog/images.hpp>
#include <ecom/db/database.hpp>
#include <ecom/platform/config.hpp>
#include <ecom/platform/http/router.hpp>
#include <ecom/storage/storage.hpp>

#include <string>

namespace ecom::admin::catalog {

// service must outlive the router. asset_base_url: assets.base_url ("/media" or a CDN URL).
void add_image_routes(http::Router& router, ecom::catalog::ImageService& service, std::string asset_base_url);

// storage.* (where files go, upload limits) and assets.base_url (the storefront's setting: where
// the images are served, for the URLs in answers).
void declare_image_config(config::Schema& schema);

// The file store and ImageService built from that configuration, for main(): it must outlive the
// router. Throws config::ConfigError for an assets.base_url with a trailing slash.
class ImageRoutes {
 public:
  ImageRoutes(const config::Config& config, db::Database& db, cache::Cache& cache);
  void add_to(http::Router& router);
  // The service the routes use, for the admin pages.
  [[nodiscard]] ecom::catalog::ImageService& service() noexcept { return service_; }

 private:
  storage::StorageOptions options_;
  storage::LocalDiskStorage storage_;
  ecom::catalog::ImageService service_;
  std::string asset_base_url_;
};

}  // namespace ecom::admin::catalog
