-- Tenant admin REST API.

-- The operator token's hash, when the node generated the token itself (embedded default: no
-- SWITCHBOARD_OPERATOR_TOKEN configured). One row at most; the token is printed once and never stored.
CREATE TABLE operator_tokens (
  id          smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  token_hash  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- GET /api/v1/jobs lists a tenant's jobs newest first, paged by id.
CREATE INDEX jobs_by_tenant_id ON jobs (tenant_id, id DESC);

-- GET /api/v1/audit filters a tenant's log by event type.
CREATE INDEX audit_events_by_type ON audit_events (tenant_id, event_type, seq);
