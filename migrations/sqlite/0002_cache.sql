-- The cache module's table: invalidations of the in-process cache, shared by every process on this
-- database. Each process polls for rows newer than the last id it saw and applies them to its own
-- cache; whichever process polls deletes rows older than an hour.
-- AUTOINCREMENT, not a plain rowid: ids must never be reused after the newest rows are pruned, or a
-- process would skip new rows whose ids it believes it has already seen.
CREATE TABLE cache_invalidations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('key', 'tag')),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL  -- milliseconds since the Unix epoch, for pruning
);

CREATE INDEX cache_invalidations_created_at ON cache_invalidations (created_at);
