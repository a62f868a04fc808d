-- Queue semantics: retries with back-off, a per-job attempt cap and timeout, cancellation,
-- heartbeats, per-tenant concurrency caps, and a record of every attempt.

ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check
  CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'));

ALTER TABLE jobs
  ADD COLUMN max_attempts         integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 20),
  ADD COLUMN timeout_ms           bigint CHECK (timeout_ms > 0),
  ADD COLUMN run_after            timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN heartbeat_at         timestamptz,
  ADD COLUMN cancel_requested_at  timestamptz,
  ADD COLUMN cancel_requested_by  text;

-- Claiming walks each tenant's queue oldest first.
DROP INDEX jobs_queued;
CREATE INDEX jobs_queued ON jobs (tenant_id, created_at, id) WHERE status = 'queued';
CREATE INDEX jobs_running ON jobs (tenant_id) WHERE status = 'running';
DROP INDEX jobs_reply_pending;
CREATE INDEX jobs_reply_pending ON jobs (reply_due_at)
  WHERE replied_at IS NULL AND status IN ('succeeded', 'failed', 'cancelled');

-- How many of a tenant's jobs may run at once, across all executors.
ALTER TABLE tenants ADD COLUMN max_running_jobs integer NOT NULL DEFAULT 4 CHECK (max_running_jobs BETWEEN 1 AND 1000);

-- Every attempt at a job: who ran it under which lease, and how it ended.
CREATE TABLE job_attempts (
  lease_id    uuid PRIMARY KEY,
  job_id      bigint NOT NULL REFERENCES jobs (id),
  tenant_id   text NOT NULL REFERENCES tenants (id),
  attempt     integer NOT NULL,
  executor    text NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  ended_at    timestamptz,
  outcome     text CHECK (outcome IN ('succeeded', 'failed', 'retrying', 'timed_out', 'cancelled', 'lease_expired',
                                      'released')),
  error       text
);
CREATE INDEX job_attempts_job ON job_attempts (tenant_id, job_id);
