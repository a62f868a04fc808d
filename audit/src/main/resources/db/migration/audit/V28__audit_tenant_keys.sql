-- Keyed audit records are hashed under their tenant's own chain key (issue 13), derived from the
-- nodes' audit key, so a tenant, or an auditor it hands the key to, can re-verify an export of its
-- chain without the deployment's key. tenant_keyed says which key a keyed record carries; records
-- written before this migration keep the deployment's audit key (false), and the verifier refuses a
-- deployment-keyed record after a tenant-keyed one.
ALTER TABLE audit_events ADD COLUMN tenant_keyed boolean NOT NULL DEFAULT false;
