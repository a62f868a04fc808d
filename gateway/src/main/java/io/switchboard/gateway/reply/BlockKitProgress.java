package io.switchboard.gateway.reply;

import io.switchboard.gateway.slack.SlackText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Formats a running job's latest progress line as the Slack message that stands for the job until
 * its result replaces it ({@link BlockKitResult}).
 */
public final class BlockKitProgress {

  /** Progress lines are short status lines; a longer one is cut. */
  static final int MAX_PROGRESS_CHARS = 500;

  private BlockKitProgress() {
  }

  public static JsonObject of(long jobId, String commandText, String progress) {
    String line = progress.length() <= MAX_PROGRESS_CHARS ? progress : progress.substring(0, MAX_PROGRESS_CHARS) + "…";
    String headline = ":hourglass_flowing_sand: " + SlackText.code(commandText) + " running (job " + jobId + ")";
    return new JsonObject()
        .put("text", "Job " + jobId + " running: " + SlackText.escape(line))
        .put("blocks", new JsonArray()
            .add(new JsonObject().put("type", "section")
                .put("text", new JsonObject().put("type", "mrkdwn").put("text", headline)))
            .add(new JsonObject().put("type", "context").put("elements", new JsonArray().add(
                new JsonObject().put("type", "mrkdwn").put("text", SlackText.escape(line))))));
  }
}
