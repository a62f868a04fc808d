-- `jobs` in chat lists a user's most recent jobs.
CREATE INDEX jobs_by_requester ON jobs (tenant_id, platform, requester, created_at DESC);
