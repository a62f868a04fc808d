-- The correlation id of the chat request that queued the job: the executor's log lines for the job
-- carry the same one as the gateway's. Nullable: jobs queued before this, by an approval, or by an
-- older gateway during a rolling upgrade have none (expand only; nothing reads it for decisions).
ALTER TABLE jobs ADD COLUMN correlation_id text;
