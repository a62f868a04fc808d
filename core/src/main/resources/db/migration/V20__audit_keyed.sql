-- Audit records are hashed with a key the database does not hold (issue 11): HMAC-SHA256 under the
-- nodes' audit key instead of a plain SHA-256 anyone could recompute after editing a row. keyed says
-- which a record carries. Records written before this migration stay as they are (false): they
-- cannot be rehashed in an append-only log, and the first keyed record after them seals their hashes.
ALTER TABLE audit_events ADD COLUMN keyed boolean NOT NULL DEFAULT false;
