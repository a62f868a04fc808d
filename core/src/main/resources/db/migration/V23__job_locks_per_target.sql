-- Per-target locks that see overlap. V8's lock_key was the whole sorted set ('production/api,web'),
-- so 'deploy production api' and 'deploy production api,web' could run at once. A job's lock is now
-- its environment and targets (target_lock, as TargetLock writes it), and while the job is queued or
-- running it holds one row per claim in job_locks: an exclusive claim per target plus a shared one on
-- the environment, or an exclusive claim on the whole environment when it names no targets. The queue
-- holds a job back while a job of its tenant queued before it (a lower id), or a running one, has a
-- claim on the same environment and target and one of the two is exclusive.

ALTER TABLE jobs ADD COLUMN target_lock jsonb;
ALTER TABLE approvals ADD COLUMN target_lock jsonb;

-- V8's key was environment-or-'*', a slash, then the sorted targets joined by commas, or '*'.
UPDATE jobs SET target_lock = jsonb_strip_nulls(jsonb_build_object(
    'environment', nullif(split_part(lock_key, '/', 1), '*'),
    'targets', CASE WHEN substr(lock_key, strpos(lock_key, '/') + 1) = '*' THEN '[]'::jsonb
                    ELSE to_jsonb(string_to_array(substr(lock_key, strpos(lock_key, '/') + 1), ',')) END))
WHERE lock_key IS NOT NULL;
UPDATE approvals SET target_lock = jsonb_strip_nulls(jsonb_build_object(
    'environment', nullif(split_part(lock_key, '/', 1), '*'),
    'targets', CASE WHEN substr(lock_key, strpos(lock_key, '/') + 1) = '*' THEN '[]'::jsonb
                    ELSE to_jsonb(string_to_array(substr(lock_key, strpos(lock_key, '/') + 1), ',')) END))
WHERE lock_key IS NOT NULL;

DROP INDEX jobs_unfinished_by_lock;
ALTER TABLE jobs DROP COLUMN lock_key;
ALTER TABLE approvals DROP COLUMN lock_key;

-- The claims a target lock makes. No environment is '' (a namespace of its own); target '' is the
-- whole environment. An empty target names nothing and is left out.
CREATE FUNCTION target_lock_claims(target_lock jsonb)
RETURNS TABLE (environment text, target text, exclusive boolean)
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(target_lock ->> 'environment', ''), t.target, true
  FROM (SELECT DISTINCT e AS target FROM jsonb_array_elements_text(target_lock -> 'targets') e WHERE e <> '') t
  UNION ALL
  SELECT coalesce(target_lock ->> 'environment', ''), '',
         NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(target_lock -> 'targets') e WHERE e <> '')
$$;

CREATE TABLE job_locks (
  job_id bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  tenant_id text NOT NULL,
  environment text NOT NULL,
  target text NOT NULL,
  exclusive boolean NOT NULL,
  PRIMARY KEY (job_id, environment, target)
);
-- Finds the claims on a tenant's environment and target that conflict with one (the exclusive ones,
-- or all), oldest job first.
CREATE INDEX job_locks_by_target ON job_locks (tenant_id, environment, target, exclusive, job_id);

INSERT INTO job_locks (job_id, tenant_id, environment, target, exclusive)
SELECT j.id, j.tenant_id, c.environment, c.target, c.exclusive
FROM jobs j CROSS JOIN LATERAL target_lock_claims(j.target_lock) c
WHERE j.target_lock IS NOT NULL AND j.status IN ('queued', 'running');

-- The database keeps job_locks in step with jobs, whichever statement writes them: a job with a
-- target lock makes its claims when it is queued, and lets go of them when it leaves the queue for
-- good (succeeded, failed, cancelled); a job put back in the queue for a retry keeps them.
CREATE FUNCTION job_locks_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO job_locks (job_id, tenant_id, environment, target, exclusive)
  SELECT NEW.id, NEW.tenant_id, c.environment, c.target, c.exclusive FROM target_lock_claims(NEW.target_lock) c;
  RETURN NULL;
END $$;

CREATE TRIGGER jobs_claim_target_locks AFTER INSERT ON jobs FOR EACH ROW
  WHEN (NEW.target_lock IS NOT NULL AND NEW.status IN ('queued', 'running'))
  EXECUTE FUNCTION job_locks_claim();

CREATE FUNCTION job_locks_release() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM job_locks WHERE job_id = NEW.id;
  RETURN NULL;
END $$;

CREATE TRIGGER jobs_release_target_locks AFTER UPDATE OF status ON jobs FOR EACH ROW
  WHEN (NEW.target_lock IS NOT NULL AND OLD.status IN ('queued', 'running')
        AND NEW.status NOT IN ('queued', 'running'))
  EXECUTE FUNCTION job_locks_release();
