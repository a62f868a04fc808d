-- Discord (issue 5): guilds as installations, and the one message of a job answered in Discord.

-- A Discord installation binds a guild (workspace_id) to a tenant. For a tenant's own Discord
-- application, app_id holds its application id and signing_secret its Ed25519 public key (hex);
-- without them the shared application's (SWITCHBOARD_DISCORD_*) are used.
ALTER TABLE chat_installations DROP CONSTRAINT chat_installations_platform_check;
ALTER TABLE chat_installations ADD CONSTRAINT chat_installations_platform_check
  CHECK (platform IN ('slack', 'discord'));

-- A job started by a Discord interaction is shown as the interaction's original response, edited in
-- place. progress is the line last shown, so that of several gateways (each hears every progress
-- event) only the one that records a new line edits the message.
CREATE TABLE discord_job_messages (
  tenant_id  text   NOT NULL REFERENCES tenants (id),
  job_id     bigint NOT NULL,
  progress   text,
  PRIMARY KEY (tenant_id, job_id)
);
