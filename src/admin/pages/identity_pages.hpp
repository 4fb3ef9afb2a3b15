// The admin's pages for who may do what (docs/admin-pages.md): /staff (the staff, invitations,
// roles, disabling), /api-keys (keys for integrations; a new key's secret shown once) and /audit
// (the audit log, filtered). Each route declares the permission of its API twin; plain forms.
#pragma once

#include <ecom/db/database.hpp>
#include <ecom/identity/api_keys.hpp>
#include <ecom/identity/staff.hpp>
#include <ecom/platform/http/router.hpp>
#include <ecom/platform/http/static_files.hpp>
#include <ecom/web/templates.hpp>

#include <memory>
#include <string>

namespace ecom::admin::pages {

struct IdentityServices {
  identity::StaffService& staff;
  identity::ApiKeyService& keys;
  db::Database& db;            // the audit log's
  std::string admin_base_url;  // starts invitation links; "" for relative ones
};

// The services must outlive the router.
void add_identity_routes(http::Router& router, const std::shared_ptr<const http::StaticFiles>& files,
                         std::shared_ptr<const web::Templates> templates, IdentityServices services);

}  // namespace ecom::admin::pages
