package io.switchboard.gateway.reply;

import io.switchboard.core.job.Job;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.slack.SlackText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * Formats a finished job as a Slack message for {@code response_url}: a headline with the outcome,
 * the output (or error) in a code block cut to fit Slack's block limit, and who ran it and how long
 * it took. Posted in the channel so everyone sees what was done.
 */
public final class BlockKitResult {

  /** Slack's limit for a section's text is 3,000 characters; leave room for the fences and note. */
  static final int MAX_OUTPUT_CHARS = 2_800;

  private BlockKitResult() {
  }

  public static JsonObject of(Job job) {
    boolean ok = job.status() == JobStatus.SUCCEEDED;
    String headline = switch (job.status()) {
      case SUCCEEDED -> ":white_check_mark: ";
      case CANCELLED -> ":no_entry_sign: ";
      default -> ":x: ";
    } + SlackText.code(job.commandText()) + " " + job.status().wire() + " (job " + job.id() + ")";
    String body = ok ? job.output() : job.error();
    JsonArray blocks = new JsonArray().add(section(headline));
    if (body != null && !body.isBlank()) {
      blocks.add(section(codeBlock(body, job.id())));
    }
    blocks.add(new JsonObject().put("type", "context").put("elements", new JsonArray().add(
        new JsonObject().put("type", "mrkdwn").put("text", footer(job)))));
    return new JsonObject()
        .put("response_type", "in_channel")
        .put("replace_original", false)
        .put("text", "Job " + job.id() + " " + job.status().wire() + ": " + SlackText.escape(job.commandText()))
        .put("blocks", blocks);
  }

  private static JsonObject section(String mrkdwn) {
    return new JsonObject().put("type", "section")
        .put("text", new JsonObject().put("type", "mrkdwn").put("text", mrkdwn));
  }

  private static String codeBlock(String text, long jobId) {
    String shown = text.length() <= MAX_OUTPUT_CHARS
        ? text
        : text.substring(0, MAX_OUTPUT_CHARS) + "\n… (" + (text.length() - MAX_OUTPUT_CHARS)
            + " more characters: GET /api/v1/jobs/" + jobId + ")";
    return "```" + SlackText.escape(shown.replace("```", "'''")) + "```";
  }

  private static String footer(Job job) {
    String footer = "Requested by <@" + SlackText.escape(job.requester()) + ">";
    if (job.startedAt() != null && job.finishedAt() != null) {
      Duration took = Duration.between(job.startedAt(), job.finishedAt());
      footer += " · took " + String.format("%.1f s", took.toMillis() / 1000.0);
    }
    if (job.attempts() > 1) {
      footer += " · attempt " + job.attempts();
    }
    return footer;
  }
}
