-- Self-service binding of Teams tenants and Discord guilds (issue 11, item 2). A tenant admin asks for
-- a claim code naming the workspace; an admin of that workspace proves it by running `verify <code>`
-- there, in a command the platform signs. Only the SHA-256 of a code is stored; the code is shown
-- once. A claim works once, until it expires.
CREATE TABLE workspace_claims (
  id            bigserial PRIMARY KEY,
  tenant_id     text NOT NULL REFERENCES tenants (id),
  platform      text NOT NULL CHECK (platform IN ('teams', 'discord')),
  workspace_id  text NOT NULL,
  code_hash     text NOT NULL UNIQUE,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  verified_at   timestamptz,
  verified_by   text
);
CREATE INDEX workspace_claims_tenant ON workspace_claims (tenant_id, id);
