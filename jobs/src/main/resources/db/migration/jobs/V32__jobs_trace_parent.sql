-- The W3C traceparent of the span that queued the job (tracing, issue 13): the executor's claim and run
-- spans, and the reply's, continue the chat request's trace from it, across processes. Approvals keep the
-- held command's too, so the job an approval click queues later still leads to the command's trace.
-- Nullable: tracing off, jobs queued before this, or by an older gateway during a rolling upgrade have
-- none (expand only; nothing reads it for decisions).
ALTER TABLE jobs ADD COLUMN trace_parent text;
ALTER TABLE approvals ADD COLUMN trace_parent text;
