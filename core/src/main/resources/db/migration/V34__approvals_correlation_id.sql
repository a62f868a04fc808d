-- The correlation id of the request that asked for the approval (issue 13's logs): the job an approval
-- click queues later takes it, so its executor and reply lines carry the command's id, not none.
-- Nullable: approvals held before this, or by an older gateway during a rolling upgrade, have none
-- (expand only; nothing reads it for decisions).
ALTER TABLE approvals ADD COLUMN correlation_id text;
