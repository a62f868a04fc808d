package io.switchboard.gateway.slack;

/**
 * A button click on a Switchboard message, as far as Switchboard reads Slack's {@code block_actions}
 * payload: who clicked where, which button ({@code actionId}) on what ({@code targetId}: an approval
 * or a job), where to answer, and what names this click apart from every other
 * ({@code deliveryId}: its {@code trigger_id} and {@code action_ts}, the same in Slack's retries).
 */
record SlackClick(String teamId, String userId, String channelId, String actionId, long targetId,
                  String responseUrl, String deliveryId) {
}
