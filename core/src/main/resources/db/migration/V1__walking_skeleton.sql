-- Tenants: one organisation using Switchboard. The id is a short, stable slug ("demo").
CREATE TABLE tenants (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name        text NOT NULL,
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A chat workspace (Slack team, later Teams tenant) bound to a tenant. signing_secret is set for a
-- tenant that brings its own Slack app; NULL means the shared Switchboard app's secret applies.
CREATE TABLE chat_installations (
  id              bigserial PRIMARY KEY,
  tenant_id       text NOT NULL REFERENCES tenants (id),
  platform        text NOT NULL CHECK (platform IN ('slack')),
  workspace_id    text NOT NULL,
  signing_secret  text,
  enabled         boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (platform, workspace_id)
);
CREATE INDEX chat_installations_tenant ON chat_installations (tenant_id);

-- Tenant admin API tokens. Only the SHA-256 of a token is stored; the token is shown once.
CREATE TABLE api_tokens (
  id          bigserial PRIMARY KEY,
  tenant_id   text NOT NULL REFERENCES tenants (id),
  token_hash  text NOT NULL UNIQUE,
  label       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX api_tokens_tenant ON api_tokens (tenant_id);

-- Jobs: the durable queue. An executor claims a row with FOR UPDATE SKIP LOCKED and holds it under
-- a lease; lease_id is the fencing token every later write of that attempt must present.
CREATE TABLE jobs (
  id                bigserial PRIMARY KEY,
  tenant_id         text NOT NULL REFERENCES tenants (id),
  idempotency_key   text NOT NULL,
  platform          text NOT NULL,
  requester         text NOT NULL,
  channel           text,
  command           text NOT NULL,
  command_text      text NOT NULL,
  action            text NOT NULL,
  arguments         jsonb NOT NULL,
  reply_to          jsonb NOT NULL,
  status            text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  attempts          integer NOT NULL DEFAULT 0,
  lease_id          uuid,
  lease_owner       text,
  lease_expires_at  timestamptz,
  output            text,
  error             text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  started_at        timestamptz,
  finished_at       timestamptz,
  replied_at        timestamptz,
  reply_attempts    integer NOT NULL DEFAULT 0,
  reply_due_at      timestamptz,
  UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX jobs_queued ON jobs (created_at, id) WHERE status = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE status = 'running';
CREATE INDEX jobs_reply_pending ON jobs (reply_due_at) WHERE replied_at IS NULL AND status IN ('succeeded', 'failed');

-- The audit log: append-only, one hash chain per tenant. Each row holds the hash of the tenant's
-- previous row and its own hash over a canonical encoding; audit_chain_heads holds the newest
-- seq and hash per tenant (so a deleted last row is detected too) and serialises appends.
CREATE TABLE audit_events (
  tenant_id    text NOT NULL REFERENCES tenants (id),
  seq          bigint NOT NULL,
  occurred_at  timestamptz NOT NULL,
  event_type   text NOT NULL,
  actor        text NOT NULL,
  job_id       bigint,
  detail       text NOT NULL,
  prev_hash    text NOT NULL,
  hash         text NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_events_job ON audit_events (tenant_id, job_id);

CREATE TABLE audit_chain_heads (
  tenant_id  text PRIMARY KEY REFERENCES tenants (id),
  seq        bigint NOT NULL,
  hash       text NOT NULL
);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_no_update_or_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
