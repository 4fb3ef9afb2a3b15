-- Single-use tokens that a customer receives by email (the identity module): a password reset
-- ('reset') or the proof that the email address is theirs ('verify'). Only the SHA-256 of a token
-- is stored (identity::token_hash); the token itself is in the email and nowhere else. A token is
-- used up by one conditional UPDATE (used_at IS NULL AND expires_at > now), so two uses at once
-- cannot both succeed.
CREATE TABLE customer_tokens (
  token_hash TEXT PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('reset', 'verify')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX customer_tokens_customer ON customer_tokens (customer_id, purpose);
CREATE INDEX customer_tokens_expiry ON customer_tokens (expires_at);
