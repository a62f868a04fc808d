-- Secrets of the embedded (local) secret store. One row per tenant and secret name holds its latest
-- version, encrypted with AES-256-GCM under the node's master key: a 12-byte random nonce per
-- write, the 16-byte tag appended to the ciphertext, and (tenant_id, name, version) bound as
-- additional authenticated data, so a ciphertext copied to another row does not decrypt.
-- key_id is the master key's fingerprint (never the key). Deleting a secret clears nonce,
-- ciphertext and key_id but keeps the row, so version numbers of a name are never reused.
CREATE TABLE tenant_secrets (
  tenant_id   text NOT NULL REFERENCES tenants (id),
  name        text NOT NULL CHECK (name ~ '^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$' AND strpos(name, '..') = 0),
  version     bigint NOT NULL CHECK (version >= 0),
  key_id      text,
  nonce       bytea CHECK (octet_length(nonce) = 12),
  ciphertext  bytea CHECK (octet_length(ciphertext) > 16),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, name),
  CHECK ((nonce IS NULL) = (ciphertext IS NULL) AND (key_id IS NULL) = (ciphertext IS NULL))
);
