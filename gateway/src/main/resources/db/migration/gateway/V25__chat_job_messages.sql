-- The one chat message that shows a job, for every platform in one table (it replaces
-- slack_job_messages, discord_job_messages and teams_job_activities, which kept the same thing three
-- times with copied SQL). A job started from chat is answered by one message, posted (or, in Discord,
-- made the interaction's original response) once and then edited in place as the job progresses and
-- ends, per tenant. platform names the chat platform; address is what that platform needs to edit the
-- message again:
--   slack    {"channel": ..., "ts": ...}
--   discord  {} (the interaction's token is in the job's reply_to)
--   teams    {"serviceUrl": ..., "conversationId": ..., "activityId": ...}
-- progress is the line the message shows now: every gateway hears each progress line, and only the
-- one that changes this column edits the message.
CREATE TABLE chat_job_messages (
  tenant_id  text   NOT NULL REFERENCES tenants (id),
  job_id     bigint NOT NULL,
  platform   text   NOT NULL,
  address    jsonb  NOT NULL DEFAULT '{}',
  progress   text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, job_id)
);

-- Every row of the three tables moves over with its progress line. A job belongs to one platform, so
-- no two tables name the same job. discord_job_messages kept no created_at: its rows get now().
INSERT INTO chat_job_messages (tenant_id, job_id, platform, address, progress, created_at)
SELECT tenant_id, job_id, 'slack', jsonb_build_object('channel', channel, 'ts', ts), progress, created_at
FROM slack_job_messages;

INSERT INTO chat_job_messages (tenant_id, job_id, platform, address, progress)
SELECT tenant_id, job_id, 'discord', '{}', progress
FROM discord_job_messages;

INSERT INTO chat_job_messages (tenant_id, job_id, platform, address, progress, created_at)
SELECT tenant_id, job_id, 'teams',
       jsonb_build_object('serviceUrl', service_url, 'conversationId', conversation_id, 'activityId', activity_id),
       progress, created_at
FROM teams_job_activities;

DROP TABLE slack_job_messages;
DROP TABLE discord_job_messages;
DROP TABLE teams_job_activities;
