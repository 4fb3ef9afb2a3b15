// The admin's own pages around a staff session (docs/identity.md, "Staff"): the start page (/),
// sign-in with the second factor (/sign-in, its set-up at the first sign-in when the shop
// requires it), sign-out (/sign-out) and accepting an invitation (/invitation?token=). Plain
// forms: they work without JavaScript and keep the email on an error.
#pragma once

#include <ecom/identity/staff.hpp>
#include <ecom/platform/http/router.hpp>
#include <ecom/platform/http/static_files.hpp>
#include <ecom/web/templates.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace ecom::admin::pages {

// staff must outlive the router. templates: web/admin/templates.
void add_session_routes(http::Router& router, const std::shared_ptr<const http::StaticFiles>& files,
                        std::shared_ptr<const web::Templates> templates, identity::StaffService& staff);

// Where to go after signing in: next when it is a path on this site ("/products?q=x"), else "/".
// Refuses "//host", "/\host", schemes and control characters: never a redirect to another site.
[[nodiscard]] std::string safe_next(std::string_view next);

}  // namespace ecom::admin::pages
