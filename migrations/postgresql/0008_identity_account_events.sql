-- What happened to customer accounts, as the identity module's consumer in ecom-worker records the
-- events it publishes (identity.customer_registered, identity.registration_for_taken_email,
-- identity.password_changed): an account's history for support and audits, and the place the
-- notifications consumer will read from. event_id is the event's id, so a redelivery records
-- nothing twice. No foreign key: the history outlives an erased account (with no personal data).
CREATE TABLE customer_account_events (
  event_id TEXT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  topic TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  recorded_at BIGINT NOT NULL
);
CREATE INDEX customer_account_events_customer ON customer_account_events (customer_id, occurred_at);
