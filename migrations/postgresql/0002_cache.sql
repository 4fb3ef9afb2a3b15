-- The cache module's table: invalidations of the in-process cache, shared by every process on this
-- database (used when no Redis is configured). Each process polls for rows newer than the last id
-- it saw, and looks again for skipped ids for a few seconds, since a lower id from a slower
-- transaction can commit after a higher one; whichever process polls deletes rows older than an hour.
CREATE TABLE cache_invalidations (
  id BIGSERIAL PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('key', 'tag')),
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL  -- milliseconds since the Unix epoch, for pruning
);

CREATE INDEX cache_invalidations_created_at ON cache_invalidations (created_at);
