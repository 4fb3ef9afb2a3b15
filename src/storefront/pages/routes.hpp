// The storefront's HTML pages: home, category, search, product, sitemap.xml and robots.txt.
// Handlers read the catalog, build a view model (view_models.hpp) and render a template; a bad
// parameter or an unknown product or category gives an error page in the shop's layout. The header
// shows who is signed in (account/session.hpp reads the cookie).
#pragma once

#include "pages/view_models.hpp"

#include <ecom/catalog/catalog.hpp>
#include <ecom/identity/customers.hpp>
#include <ecom/platform/http/router.hpp>
#include <ecom/web/templates.hpp>

#include <memory>

namespace ecom::storefront::pages {

// service (and customers) must outlive the router. With customers, a page's header shows who is
// signed in by the session cookie; a page made for a signed-in customer is private to them.
void add_routes(http::Router& router, Site site, std::shared_ptr<const web::Templates> templates,
                ecom::catalog::CatalogService& service, identity::CustomerService* customers = nullptr);

}  // namespace ecom::storefront::pages
