// The audit log over the admin API (docs/audit.md): GET /api/v1/admin/audit and
// GET /api/v1/admin/audit.csv, filtered by actor, object and time; audit.read, which only owners
// and administrators hold.
#pragma once

#include <ecom/db/database.hpp>
#include <ecom/platform/http/router.hpp>

namespace ecom::admin::audit {

// db must outlive the router.
void add_routes(http::Router& router, db::Database& db);

}  // namespace ecom::admin::audit
