-- Approvals (two-person rule): a command that an approval rule covers waits here instead of in the
-- jobs table. It becomes a job (job_id) once approvals_needed distinct holders of approver_role,
-- none of them the requester, approve before the deadline; a denial or the deadline ends it.
CREATE TABLE approvals (
  id                bigserial PRIMARY KEY,
  tenant_id         text NOT NULL REFERENCES tenants (id),
  idempotency_key   text NOT NULL,
  platform          text NOT NULL,
  workspace_id      text NOT NULL,
  requester         text NOT NULL,
  channel           text NOT NULL,
  command           text NOT NULL,
  command_text      text NOT NULL,
  action            text NOT NULL,
  arguments         jsonb NOT NULL,
  timeout_ms        bigint CHECK (timeout_ms > 0),
  max_attempts      integer CHECK (max_attempts BETWEEN 1 AND 20),
  reply_to          jsonb NOT NULL,
  rule              text NOT NULL,
  approvals_needed  integer NOT NULL CHECK (approvals_needed BETWEEN 1 AND 10),
  approver_role     text NOT NULL,
  reason            text NOT NULL,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  deadline          timestamptz NOT NULL,
  decided_at        timestamptz,
  decided_by        text,
  job_id            bigint REFERENCES jobs (id),
  UNIQUE (tenant_id, idempotency_key),
  CHECK ((status = 'approved') = (job_id IS NOT NULL))
);
CREATE INDEX approvals_pending_deadline ON approvals (deadline) WHERE status = 'pending';
CREATE INDEX approvals_by_tenant ON approvals (tenant_id, created_at DESC);

-- One vote per person per approval; the primary key makes a double click count once.
CREATE TABLE approval_votes (
  approval_id  bigint NOT NULL REFERENCES approvals (id),
  tenant_id    text NOT NULL REFERENCES tenants (id),
  voter        text NOT NULL,
  vote         text NOT NULL CHECK (vote IN ('approve', 'deny')),
  voted_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (approval_id, voter)
);

-- Rate limits: token buckets shared by every gateway node, one row per tenant, user and channel
-- (bucket: 'tenant', 'user:<platform>:<id>', 'channel:<platform>:<id>'). A command refills its
-- buckets by the time passed, takes one token from each when all three have one, and is refused
-- otherwise. Rows are locked in that fixed order, so concurrent commands never deadlock.
CREATE TABLE rate_buckets (
  tenant_id    text NOT NULL REFERENCES tenants (id),
  bucket       text NOT NULL,
  tokens       double precision NOT NULL,
  refilled_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, bucket)
);
