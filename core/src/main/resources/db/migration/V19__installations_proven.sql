-- How each installation's workspace was proven to be its tenant's (issue 11): a workspace is bound to a
-- tenant only with proof, and a proven install never lands in a tenant that only claimed the id.
--   slack_oauth               the shared Slack app installed through OAuth
--   slack_auth_test           a tenant's own Slack app: Slack's auth.test named the workspace for its bot token
--   teams_conversation_update the Teams bot added to a team of the Teams tenant
--   sandbox                   the local sandbox web chat (no outside owner)
--   operator                  bound by the operator (the operator API, or start-up configuration)
-- NULL: bound before proofs were required, by a tenant admin's bare claim. Such a binding still
-- routes its workspace's requests, but a proven install or an operator's binding displaces it.
ALTER TABLE chat_installations ADD COLUMN verified_via text;

UPDATE chat_installations SET verified_via = 'slack_oauth' WHERE platform = 'slack' AND bot_token_secret IS NOT NULL;
UPDATE chat_installations SET verified_via = 'teams_conversation_update' WHERE platform = 'teams' AND app_id IS NOT NULL;
UPDATE chat_installations SET verified_via = 'sandbox' WHERE platform = 'sandbox';
