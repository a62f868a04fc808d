-- The file that holds the whole output of a job whose output was too long for its Slack message
-- (uploaded with files.getUploadURLExternal / files.completeUploadExternal into the job's thread),
-- per tenant and job: a retried result edit finds it here and never uploads the output twice.
CREATE TABLE slack_job_files (
  tenant_id  text   NOT NULL REFERENCES tenants (id),
  job_id     bigint NOT NULL,
  file_id    text   NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, job_id)
);
