// The admin JSON API for the catalog, under /api/v1/admin/: products (any status), their variants,
// publish/unpublish, categories, and CSV import and export. Thin handlers: parse and validate the
// request strictly (an unknown field or a wrong type is a 400 naming it), call CatalogAdmin, and
// serialise. docs/admin-api.md describes every route.
//
// Every route declares its permission ("catalog.read" or "catalog.write"), which auth::protect
// checks against the caller.
#pragma once

#include <ecom/catalog/admin.hpp>
#include <ecom/platform/http/router.hpp>

namespace ecom::admin::catalog {

// admin must outlive the router.
void add_routes(http::Router& router, ecom::catalog::CatalogAdmin& admin);

}  // namespace ecom::admin::catalog
