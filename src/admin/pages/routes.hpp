// The admin portal's catalog pages (server-rendered HTML, usable without JavaScript except for
// image upload): /products (list, search, filters, new product), /products/{id} (the editor with
// variants and images), /categories (the tree) and /import (CSV import and its report). See
// docs/admin-pages.md.
//
// Every route declares its permission ("catalog.read" for pages, "catalog.write" for changes),
// which auth::protect checks; every form carries the CSRF token, and every POST from another site
// is also refused (cross_site_post), a second layer.
#pragma once

#include <ecom/catalog/admin.hpp>
#include <ecom/catalog/images.hpp>
#include <ecom/platform/config.hpp>
#include <ecom/platform/http/router.hpp>
#include <ecom/platform/http/static_files.hpp>
#include <ecom/web/templates.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace ecom::admin::pages {

struct Settings {
  std::string assets_base_url = "/media";                 // product images are <assets_base_url>/<path>
  std::string default_currency = "EUR";                   // of a product's first variant
  std::string export_url = "/api/v1/admin/products.csv";  // the admin API's CSV export, linked from /import
};

// True when a POST must be refused: its Sec-Fetch-Site is present and neither "same-origin" nor
// "none" (typed by the user), or its Origin is present and is not http(s)://<Host>.
[[nodiscard]] bool cross_site_post(const http::Request& request);
// Throws core::Error forbidden (a readable page) when cross_site_post(request).
void refuse_cross_site(const http::Request& request);

// catalog and images must outlive the router. templates: web/admin/templates.
void add_routes(http::Router& router, Settings settings, const std::shared_ptr<const http::StaticFiles>& files,
                std::shared_ptr<const web::Templates> templates, ecom::catalog::CatalogAdmin& catalog,
                ecom::catalog::ImageService& images);

// For main(), from what the admin already declares: the templates in <static.root>/admin/templates
// and assets.base_url (admin::catalog::declare_image_config); when that is a path, the stored
// images are served there too (storage::mount_media over storage.root), for the thumbnails. images
// (the image API's service) must outlive the router. Throws web::TemplateError naming a broken
// template, config::ConfigError for a bad assets.base_url.
void add_routes(http::Router& router, const config::Config& config,
                const std::shared_ptr<const http::StaticFiles>& files, ecom::catalog::CatalogAdmin& catalog,
                ecom::catalog::ImageService& images);

}  // namespace ecom::admin::pages
