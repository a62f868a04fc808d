-- The latest progress line a running job reported ("rollout: 2/3 updated"), written only under the
-- attempt's lease; kept after the job ends as its last known step.
ALTER TABLE jobs ADD COLUMN progress text, ADD COLUMN progress_at timestamptz;
