// Mounts a StaticFiles set on a router at its url prefix ("/static/{path...}").
#pragma once

#include <ecom/platform/http/router.hpp>
#include <ecom/platform/http/static_files.hpp>

#include <memory>
#include <string>

namespace ecom::http {

void mount_static(Router& router, std::shared_ptr<const StaticFiles> files, const std::string& url_prefix);

}  // namespace ecom::http
