-- The Slack app (issue 5): OAuth installations, the Events API.

-- What an OAuth installation learnt about the workspace. The bot token itself is never stored here:
-- bot_token_secret names the tenant's secret (SecretStore) that holds it. enterprise_id is set for
-- Enterprise Grid organisation installs, whose workspace_id is then the organisation's id.
ALTER TABLE chat_installations
  ADD COLUMN enterprise_id    text,
  ADD COLUMN app_id           text,
  ADD COLUMN bot_user_id      text,
  ADD COLUMN bot_token_secret text,
  ADD COLUMN scopes           text;

-- OAuth state values already redeemed, so a state is good for one installation only. They are
-- written before any tenant is known (a state names no tenant) and kept only until they expire.
CREATE TABLE slack_oauth_states (
  nonce      text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);

-- Events API deliveries already taken, per tenant: Slack retries an event (X-Slack-Retry-Num) when
-- it did not see a 200 in time; a retry of a taken event_id does nothing.
CREATE TABLE slack_events (
  tenant_id   text NOT NULL REFERENCES tenants (id),
  event_id    text NOT NULL,
  event_type  text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX slack_events_received ON slack_events (received_at);
