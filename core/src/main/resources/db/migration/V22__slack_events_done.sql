-- An Events API delivery is done once it has acted (SlackEventLog). A delivery taken but never done
-- (its handling failed and so did forgetting it, e.g. while PostgreSQL restarted) no longer makes
-- every retry of the event a duplicate: a retry well after it takes it again. Rows from before this
-- migration acted.
ALTER TABLE slack_events ADD COLUMN done boolean NOT NULL DEFAULT true;
ALTER TABLE slack_events ALTER COLUMN done SET DEFAULT false;
