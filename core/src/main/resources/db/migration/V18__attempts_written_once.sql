-- An attempt's row in job_attempts is written once, when the attempt ends, in the same statement
-- that ends it; while it runs, the attempt is the job's lease (lease_id, lease_owner) and the time
-- it started, below. Writing the history once instead of inserting at the claim and updating at the
-- end saves a statement per claim, an index update per job and a dead row per attempt. Attempts
-- still open when this migration runs keep their row, which their end then completes.
ALTER TABLE jobs ADD COLUMN attempt_started_at timestamptz;
UPDATE jobs j SET attempt_started_at = a.started_at
FROM job_attempts a WHERE a.lease_id = j.lease_id AND j.status = 'running';
