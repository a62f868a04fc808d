package io.switchboard.gateway.slack;

/**
 * A slash command as Slack sends it, after its signature was verified. Field names follow Slack's
 * documented payload.
 */
public record SlashCommand(
    String teamId,
    String userId,
    String channelId,
    String command,
    String text,
    String responseUrl,
    String triggerId) {

  /** @throws IllegalArgumentException when a field Slack always sends is missing or malformed */
  public static SlashCommand from(FormBody form) {
    return new SlashCommand(
        form.require("team_id"),
        form.require("user_id"),
        form.require("channel_id"),
        form.require("command"),
        form.get("text").orElse(""),
        form.require("response_url"),
        form.get("trigger_id").orElse(""));
  }
}
