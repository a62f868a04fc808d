-- How far each tenant's audit chain has been forwarded to each sink (issue 13): the gateways forward
-- a tenant's records after forwarded_seq and move it only once the sink acknowledged them, so a
-- restart resumes where the sink stopped acknowledging and nothing is skipped. The row lock (FOR
-- UPDATE SKIP LOCKED) lets several gateways share the work, one tenant each at a time.
CREATE TABLE audit_forwarding (
  sink          text        NOT NULL,
  tenant_id     text        NOT NULL,
  forwarded_seq bigint      NOT NULL DEFAULT 0,
  forwarded_at  timestamptz,
  PRIMARY KEY (sink, tenant_id)
);
