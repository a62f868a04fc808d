-- Per-target locks: a job that changes an environment's targets holds a lock key (e.g.
-- 'production/api'); the queue never runs two jobs of a tenant with the same key at once, and
-- takes them in the order they were queued. Read-only jobs hold no key.
ALTER TABLE jobs ADD COLUMN lock_key text;
CREATE INDEX jobs_unfinished_by_lock ON jobs (tenant_id, lock_key, created_at, id)
  WHERE lock_key IS NOT NULL AND status IN ('queued', 'running');

ALTER TABLE approvals ADD COLUMN lock_key text;
