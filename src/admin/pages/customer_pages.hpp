// The admin's customer pages (docs/admin-pages.md): /customers (search by email or name),
// /customers/{id} (the account and its addresses), disabling and enabling, and erasure on the
// customer's request. customers.read to look, customers.write to change.
#pragma once

#include <ecom/db/database.hpp>
#include <ecom/platform/http/router.hpp>
#include <ecom/platform/http/static_files.hpp>
#include <ecom/web/templates.hpp>

#include <memory>

namespace ecom::admin::pages {

// db must outlive the router.
void add_customer_routes(http::Router& router, const std::shared_ptr<const http::StaticFiles>& files,
                         std::shared_ptr<const web::Templates> templates, db::Database& db);

}  // namespace ecom::admin::pages
