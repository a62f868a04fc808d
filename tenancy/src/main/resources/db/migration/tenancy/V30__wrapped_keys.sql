-- Keys the nodes share, sealed under the master key (issue 13): the audit key was derived from the
-- master key, so rotating the master key would have changed it and broken every audit chain. It is
-- now stored sealed (AES-256-GCM) under the master key whose id key_id names, and a rotation only
-- re-seals it; the database never holds it in the clear.
CREATE TABLE wrapped_keys (
  name       text        PRIMARY KEY,
  key_id     text        NOT NULL,
  nonce      bytea       NOT NULL,
  ciphertext bytea       NOT NULL,
  sealed_at  timestamptz NOT NULL DEFAULT now()
);
