-- Customer accounts and their sessions (the identity module, docs/identity.md). email is kept
-- lower-cased, so the unique constraint is the one rule for "taken". password_hash is an Argon2id
-- PHC string. Times are integer microseconds since the Unix epoch (UTC), as in the catalog.
CREATE TABLE customers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  email_verified_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- A signed-in browser or API client. Only the SHA-256 of the session token is stored, so a copy of
-- this table signs nobody in. A session ends at expires_at (absolute) or when last_seen_at is older
-- than the idle limit, whichever comes first; logout deletes it.
CREATE TABLE customer_sessions (
  token_hash TEXT PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX customer_sessions_customer ON customer_sessions (customer_id);
