-- Notifications from monitoring and incidents: de-duplicated per tenant and key within a window,
-- grouped per channel into one message, delivered by whichever gateway's sweep claims them.

-- A chat message that shows one or more notifications; edited in place when one of them changes status.
CREATE TABLE notification_messages (
  tenant_id  text   NOT NULL REFERENCES tenants (id),
  id         bigserial,
  platform   text   NOT NULL,
  workspace  text   NOT NULL,
  channel    text   NOT NULL,
  ts         text   NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

-- One row per tenant and dedup key: its latest content and status, how often it repeated, and what
-- is owed to chat. owed rows are posted (message_id NULL) or edited into their message once due_at
-- has passed. A sweep claims rows for claimed_until under a random claim id and remembers the version
-- it saw; a change that lands meanwhile bumps version, so the row stays owed after that delivery.
CREATE TABLE notifications (
  tenant_id       text        NOT NULL REFERENCES tenants (id),
  id              bigserial,
  dedup_key       text        NOT NULL,
  platform        text        NOT NULL CHECK (platform IN ('slack')),
  workspace       text        NOT NULL,
  channel         text        NOT NULL,
  title           text        NOT NULL,
  body            text        NOT NULL DEFAULT '',
  severity        text        NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  status          text        NOT NULL CHECK (status IN ('firing', 'resolved')),
  source          text,
  status_since    timestamptz NOT NULL,
  last_seen_at    timestamptz NOT NULL,
  repeats         integer     NOT NULL DEFAULT 0,
  version         bigint      NOT NULL DEFAULT 1,
  owed            boolean     NOT NULL DEFAULT true,
  failed          boolean     NOT NULL DEFAULT false,
  due_at          timestamptz NOT NULL,
  attempts        integer     NOT NULL DEFAULT 0,
  claim           uuid,
  claimed_version bigint,
  claimed_until   timestamptz,
  message_id      bigint,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, dedup_key),
  FOREIGN KEY (tenant_id, message_id) REFERENCES notification_messages (tenant_id, id)
);
CREATE INDEX notifications_due ON notifications (due_at) WHERE owed;
CREATE INDEX notifications_channel ON notifications (tenant_id, platform, workspace, channel) WHERE owed;
CREATE INDEX notifications_message ON notifications (tenant_id, message_id) WHERE message_id IS NOT NULL;
