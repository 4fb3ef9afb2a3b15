-- Staff of the admin portal (the identity module, docs/identity.md). email is lower-cased and
-- unique. password_hash is an Argon2id PHC string, NULL while an invitation is open. role is one of
-- the roles of identity/roles.hpp. totp_secret is the base32 TOTP secret: set when enrolment
-- starts, in use once totp_enabled_at is set; totp_last_step is the last accepted 30-second step,
-- so a code is never accepted twice. Times are integer microseconds since the Unix epoch (UTC).
CREATE TABLE staff (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL,
  password_hash TEXT,
  totp_secret TEXT,
  totp_enabled_at INTEGER,
  totp_last_step INTEGER NOT NULL DEFAULT 0,
  disabled_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- A signed-in staff member: the same shape as customer_sessions, in a table of its own, so a
-- customer's token is never a staff session and the other way round.
CREATE TABLE staff_sessions (
  token_hash TEXT PRIMARY KEY,
  staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

-- Single-use recovery codes of the second factor, stored as SHA-256 hashes.
CREATE TABLE staff_recovery_codes (
  staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (staff_id, code_hash)
);

-- Invitations of staff created without a password: the link's token, stored as its hash.
CREATE TABLE staff_invitations (
  token_hash TEXT PRIMARY KEY,
  staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX staff_invitations_staff ON staff_invitations (staff_id);
