-- Mattermost (a team of a self-hosted server) as a chat platform. Its installations are
-- chat_installations rows with platform 'mattermost' and workspace_id = the team id; the server's URL
-- and the tokens are in the tenant's secret store, and a job's post is in the shared chat_job_messages.
-- Every check constraint on the platform (whatever an earlier migration named it) is replaced by one
-- naming every platform, as V13 did.
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
           WHERE conrelid = 'chat_installations'::regclass AND contype = 'c'
             AND pg_get_constraintdef(oid) LIKE '%platform IN%'
             OR conrelid = 'chat_installations'::regclass AND contype = 'c'
             AND pg_get_constraintdef(oid) LIKE '%platform = ANY%'
  LOOP
    EXECUTE format('ALTER TABLE chat_installations DROP CONSTRAINT %I', c.conname);
  END LOOP;
END $$;
ALTER TABLE chat_installations ADD CONSTRAINT chat_installations_platform_check
  CHECK (platform IN ('slack', 'teams', 'discord', 'sandbox', 'mattermost'));
