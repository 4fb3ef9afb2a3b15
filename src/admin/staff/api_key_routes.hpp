// API keys over the admin API (docs/identity.md, "API keys"): POST /api/v1/admin/api-keys
// {name, permissions} -> 201 with the secret shown once, GET /api/v1/admin/api-keys,
// DELETE /api/v1/admin/api-keys/{id} (revokes). api_keys.read and api_keys.write.
#pragma once

#include "auth/guard.hpp"

#include <ecom/identity/api_keys.hpp>
#include <ecom/platform/http/router.hpp>

namespace ecom::admin::staff {

// keys must outlive the router.
void add_api_key_routes(http::Router& router, identity::ApiKeyService& keys);

// What auth::protect asks of API keys, answered by keys.
[[nodiscard]] auth::KeyAuthenticator key_authenticator(identity::ApiKeyService& keys);

}  // namespace ecom::admin::staff
