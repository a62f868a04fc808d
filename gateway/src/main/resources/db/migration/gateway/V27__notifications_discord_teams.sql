-- Notifications reach Discord and Teams channels too (issue 12 parity).

-- Every check constraint on notifications.platform (whatever an earlier migration named it) is
-- replaced by one naming the platforms that deliver notifications.
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
           WHERE conrelid = 'notifications'::regclass AND contype = 'c'
             AND pg_get_constraintdef(oid) LIKE '%platform%'
  LOOP
    EXECUTE format('ALTER TABLE notifications DROP CONSTRAINT %I', c.conname);
  END LOOP;
END $$;
ALTER TABLE notifications
  ADD CONSTRAINT notifications_platform_check CHECK (platform IN ('slack', 'discord', 'teams'));

-- The Bot Framework connector URL of a Teams tenant's installation, as the last signed activity from
-- that Teams tenant named it (the activity's serviceUrl equals its JWT's serviceurl claim). A proactive
-- message (a notification) has no activity to answer, so it is posted there; a Teams tenant with no
-- row has not been heard from yet and cannot be notified. Per Switchboard tenant: a Teams tenant that
-- moves to another Switchboard tenant starts without one.
CREATE TABLE teams_service_urls (
  tenant_id   text        NOT NULL REFERENCES tenants (id),
  workspace   text        NOT NULL,
  service_url text        NOT NULL,
  seen_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, workspace)
);
