-- The one Slack message that shows a job started from a mention or a direct message (posted with
-- chat.postMessage, then edited with chat.update as the job progresses and ends), per tenant.
-- progress is the line it shows now: every gateway hears each progress line, and only the one that
-- changes this column edits the message.
CREATE TABLE slack_job_messages (
  tenant_id  text   NOT NULL REFERENCES tenants (id),
  job_id     bigint NOT NULL,
  channel    text   NOT NULL,
  ts         text   NOT NULL,
  progress   text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, job_id)
);
