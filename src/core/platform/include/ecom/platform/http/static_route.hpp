// Mounts a StaticFiles set on a router at its url prefix ("/static/{path...}"), and its favicon.
#pragma once

#include <ecom/platform/http/router.hpp>
#include <ecom/platform/http/static_files.hpp>

#include <memory>
#include <string>

namespace ecom::http {

void mount_static(Router& router, std::shared_ptr<const StaticFiles> files, const std::string& url_prefix);

// Answers GET /favicon.ico (where browsers look without a <link rel="icon">) with one file of the
// set, e.g. "storefront/favicon.ico", and the set's ETag and caching rules.
void mount_favicon(Router& router, std::shared_ptr<const StaticFiles> files, std::string logical_name);

}  // namespace ecom::http
