package io.switchboard.core.config;

import java.time.Duration;
import java.util.Map;

/**
 * Outbound pacing: the least time between two message calls (post or edit) in one chat channel, and
 * how many calls one workspace may take per minute across its channels, per platform; and how many
 * calls may wait per channel. The defaults stay inside each platform's documented limits.
 *
 * @param slack            Slack: "about one message per second" per channel ({@code chat.postMessage})
 * @param teams            Teams (Bot Framework, per bot per conversation): 7 per second, 8 per 2 s, 60 per
 *                         30 s and 1800 per hour; one every 2 s keeps a busy conversation inside the hourly limit
 * @param discord          Discord publishes no fixed per-route numbers (each bucket is announced in response
 *                         headers; 50 requests per second globally); one a second per channel stays under the
 *                         commonly observed webhook bucket of 5 per 5 s
 * @param slackWorkspace   Slack's workspace-wide limits: {@code chat.postMessage} "several hundred per
 *                         minute", {@code chat.update} Tier 3 ("50+ per minute")
 * @param teamsWorkspace   Teams allows 50 requests per second per app per tenant, all operations together
 * @param discordWorkspace Discord allows 50 requests per second per bot, all routes together
 * @param queueCapacity    calls that may wait per channel
 */
public record Pacing(Duration slack, Duration teams, Duration discord, WorkspaceRate slackWorkspace,
                     WorkspaceRate teamsWorkspace, WorkspaceRate discordWorkspace, int queueCapacity) {

  public static final Duration DEFAULT_SLACK = Duration.ofSeconds(1);
  public static final Duration DEFAULT_TEAMS = Duration.ofSeconds(2);
  public static final Duration DEFAULT_DISCORD = Duration.ofSeconds(1);
  public static final WorkspaceRate DEFAULT_SLACK_WORKSPACE = new WorkspaceRate(200, 50);
  /** 25 posts and 25 edits a second: together at most the 50 a second Teams allows. */
  public static final WorkspaceRate DEFAULT_TEAMS_WORKSPACE = new WorkspaceRate(1500, 1500);
  /** 25 posts and 25 edits a second: together at most the 50 a second Discord allows. */
  public static final WorkspaceRate DEFAULT_DISCORD_WORKSPACE = new WorkspaceRate(1500, 1500);
  public static final int DEFAULT_QUEUE_CAPACITY = 50;

  /** The channel intervals by platform name ({@code slack}, {@code teams}, {@code discord}). */
  public Map<String, Duration> intervals() {
    return Map.of("slack", slack, "teams", teams, "discord", discord);
  }

  /** The workspace rates by platform name. */
  public Map<String, WorkspaceRate> workspaceRates() {
    return Map.of("slack", slackWorkspace, "teams", teamsWorkspace, "discord", discordWorkspace);
  }
}
