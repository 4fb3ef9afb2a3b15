-- The messaging module's tables: the transactional outbox, each consumer's inbox of processed
-- message ids, and the dead letters of the embedded (in-process) mode.
-- Times are ISO 8601 UTC text ("2024-05-01T12:00:00.123Z"), which compares in time order.

-- Events written in the same transaction as the change that caused them. sent_at is set when the
-- broker confirmed the row (RabbitMQ mode) or when every handler took it (embedded mode).
-- AUTOINCREMENT: ids are the publishing order and are never reused.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL UNIQUE,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,                -- JSON text, delivered byte for byte
  headers TEXT NOT NULL DEFAULT '{}',   -- JSON object of string values
  created_at TEXT NOT NULL,
  sent_at TEXT,
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at TEXT,                 -- embedded mode: a failed row waits until then
  last_error TEXT
);

-- The relay and the dispatcher read the oldest pending rows; the index holds only those.
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;

-- One row per (consumer, message) applied, inserted in the same transaction as the handler's
-- effect: a redelivered message finds its row and is skipped.
CREATE TABLE inbox (
  consumer TEXT NOT NULL,
  message_id TEXT NOT NULL,
  processed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (consumer, message_id)
) WITHOUT ROWID;

-- Embedded mode: a consumer's copy of a message that failed max_attempts times. With RabbitMQ the
-- dead letters are in the <prefix>.dead-letter queue instead. `ecomctl outbox retry-dead` moves
-- them back.
CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  consumer TEXT NOT NULL,
  message_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  headers TEXT NOT NULL DEFAULT '{}',
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  failed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (consumer, message_id)
);
