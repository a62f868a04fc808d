-- Microsoft Teams through the Bot Framework (issue 5).

-- A Teams installation is a chat_installations row with platform 'teams' and workspace_id = the
-- Teams (AAD) tenant id. Every check constraint on the platform (whatever an earlier migration named
-- it) is replaced by one naming every platform of issue 5, so the order in which the platform
-- migrations land does not matter.
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
           WHERE conrelid = 'chat_installations'::regclass AND contype = 'c'
             AND pg_get_constraintdef(oid) LIKE '%platform%'
  LOOP
    EXECUTE format('ALTER TABLE chat_installations DROP CONSTRAINT %I', c.conname);
  END LOOP;
END $$;
ALTER TABLE chat_installations
  ADD CONSTRAINT chat_installations_platform_check CHECK (platform IN ('slack', 'teams', 'discord', 'sandbox'));

-- The one Teams activity (an Adaptive Card) that shows a job started from Teams: posted as a reply
-- to the command, then replaced in place (PUT .../activities/{id}) as the job progresses and ends,
-- per tenant. progress is the line it shows now: every gateway hears each progress line, and only
-- the one that changes this column updates the activity.
CREATE TABLE teams_job_activities (
  tenant_id       text   NOT NULL REFERENCES tenants (id),
  job_id          bigint NOT NULL,
  service_url     text   NOT NULL,
  conversation_id text   NOT NULL,
  activity_id     text   NOT NULL,
  progress        text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, job_id)
);
