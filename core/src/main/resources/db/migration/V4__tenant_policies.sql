-- Each tenant's policy: one JSON document (commands, roles, bindings, approval rules, freeze
-- windows, rate limits), versioned for optimistic concurrency. Version 0 is the empty policy every
-- tenant starts with (no row); each change writes version + 1, checked against the version the
-- writer read (ETag / If-Match), so two admins can never silently overwrite each other.
CREATE TABLE tenant_policies (
  tenant_id   text PRIMARY KEY REFERENCES tenants (id),
  version     bigint NOT NULL CHECK (version > 0),
  document    jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text NOT NULL
);
