-- API keys for integrations (the identity module, docs/identity.md). Only the SHA-256 of the secret
-- is stored; permissions is the space-separated list the key may use (roles.hpp names). A revoked
-- key keeps its row, for the audit log's references, and never authenticates again. last_used_at
-- is written at most once a minute.
CREATE TABLE api_keys (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  permissions TEXT NOT NULL,
  created_by BIGINT REFERENCES staff (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);
