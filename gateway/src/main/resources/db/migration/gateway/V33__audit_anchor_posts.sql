-- The last signed audit anchor posted to each tenant's anchor channel (policy audit.anchorChannel,
-- issue 13). A gateway posts a tenant's new chain head only if it moves this row in the transaction
-- that queues the post: several gateways anchoring the same head post it once, a head that did not
-- move is not posted again, and posts to a channel are at least the policy's everyMinutes apart.
CREATE TABLE audit_anchor_posts (
  tenant_id text        PRIMARY KEY REFERENCES tenants (id),
  platform  text        NOT NULL,
  workspace text        NOT NULL,
  channel   text        NOT NULL,
  seq       bigint      NOT NULL,
  posted_at timestamptz NOT NULL
);

-- An anchor's post is a notification the gateway queues itself, and it is not audited: posting it
-- must not move the chain it anchors (that would be anchored, and posted, again every round).
ALTER TABLE notifications ADD COLUMN audited boolean NOT NULL DEFAULT true;
