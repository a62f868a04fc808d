-- Answers to chat commands that are not a job's message (refusals, built-ins, approval cards,
-- notices), for platforms that get them after the request was acknowledged (Slack events, Teams,
-- Discord). Each is stored before it is first sent, so one the platform did not take is retried with
-- back-off by any gateway's sweep instead of being lost. due_at doubles as the claim: a gateway
-- sending an answer pushes it forward, so no other gateway sends it at the same time.
CREATE TABLE answer_outbox (
  tenant_id    text        NOT NULL REFERENCES tenants (id),
  id           bigserial,
  platform     text        NOT NULL,
  kind         text        NOT NULL,
  reply_to     jsonb       NOT NULL,
  user_id      text        NOT NULL,
  ephemeral    boolean     NOT NULL,
  body         jsonb       NOT NULL,
  attempts     integer     NOT NULL DEFAULT 1,
  due_at       timestamptz NOT NULL,
  delivered_at timestamptz,
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX answer_outbox_due ON answer_outbox (due_at) WHERE delivered_at IS NULL;
