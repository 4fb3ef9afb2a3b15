-- A customer account staff have disabled (the identity module, docs/identity.md): it cannot sign
-- in and its sessions end. NULL: the account is in use.
ALTER TABLE customers ADD COLUMN disabled_at BIGINT;
