-- The sandbox web chat (issue 5): try Switchboard in a browser, without any chat platform.

-- A visitor's session: the cookie holds a random token, only its SHA-256 is stored. The session's id
-- is the channel its messages are shown in; user_id is the demo user the visitor speaks as now.
CREATE TABLE sandbox_sessions (
  tenant_id    text NOT NULL REFERENCES tenants (id),
  id           text NOT NULL,
  token_sha256 text NOT NULL UNIQUE,
  user_id      text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

-- Every change of a message takes a new revision, so a page asks only for what changed since it looked.
CREATE SEQUENCE sandbox_message_revisions;

-- The messages of one session's channel: what the visitor typed and what Switchboard answered. A job's
-- message (job_id) is edited in place with progress and its result (final once the result is in); an
-- approval's (approval_id) with votes. body is the rendered, platform-neutral message (JSON).
CREATE TABLE sandbox_messages (
  tenant_id   text   NOT NULL REFERENCES tenants (id),
  session_id  text   NOT NULL,
  id          bigserial,
  revision    bigint NOT NULL DEFAULT nextval('sandbox_message_revisions'),
  job_id      bigint,
  approval_id bigint,
  final       boolean NOT NULL DEFAULT false,
  body        jsonb  NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, session_id) REFERENCES sandbox_sessions (tenant_id, id)
);
CREATE INDEX sandbox_messages_session ON sandbox_messages (tenant_id, session_id, revision);
CREATE UNIQUE INDEX sandbox_messages_job ON sandbox_messages (tenant_id, job_id) WHERE job_id IS NOT NULL;
CREATE INDEX sandbox_messages_approval ON sandbox_messages (tenant_id, approval_id) WHERE approval_id IS NOT NULL;
