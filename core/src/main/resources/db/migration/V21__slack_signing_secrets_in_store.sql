-- Slack signing secrets leave chat_installations (issue 11, item 7): the signing secret of a tenant's
-- own Slack app lives in the tenant's secret store (slack-signing-secret.<workspace>), never in a
-- plaintext column. own_app now says whether an installation is of the tenant's own chat app, which
-- for Slack means "verify its requests with the signing secret in the store"; it was
-- signing_secret IS NOT NULL before, and is set from that here for every platform. (For Discord,
-- signing_secret keeps the own application's Ed25519 public key, which is not a secret.)
ALTER TABLE chat_installations ADD COLUMN own_app boolean NOT NULL DEFAULT false;
UPDATE chat_installations SET own_app = true WHERE signing_secret IS NOT NULL;

-- No Slack signing secret is written to the column again. NOT VALID: rows written before this
-- migration keep theirs until a node moves them into the secret store at start-up
-- (SlackSigningSecrets.moveFromColumn, which sets the column to NULL); every insert, and every update
-- of a row, is checked from now on.
ALTER TABLE chat_installations ADD CONSTRAINT chat_installations_no_slack_signing_secret
  CHECK (platform <> 'slack' OR signing_secret IS NULL) NOT VALID;
