// The admin portal's landing page. Staff authentication arrives later: until then the admin binds
// to loopback by default and every route declares the permission it will require.
#pragma once

#include <ecom/platform/http/router.hpp>
#include <ecom/platform/http/static_files.hpp>

#include <memory>

namespace ecom::admin::home {

void add_routes(http::Router& router, const std::shared_ptr<const http::StaticFiles>& files);

}  // namespace ecom::admin::home
