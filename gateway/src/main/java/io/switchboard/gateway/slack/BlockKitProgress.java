package io.switchboard.gateway.slack;

import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Renders a running job's {@link ReplyMessage#progress} as the Slack message that stands for the job
 * until its result replaces it ({@link BlockKitResult}), with a Cancel button.
 */
public final class BlockKitProgress {

  private BlockKitProgress() {
  }

  public static JsonObject of(long jobId, String commandText, String progress) {
    ReplyMessage message = ReplyMessage.progress(jobId, commandText, progress)
        .withButtons(List.of(JobButtons.cancel(jobId)));
    String line = String.join("\n", message.sections());
    String headline = ":hourglass_flowing_sand: " + SlackText.code(message.title()) + " running ("
        + message.reference() + ")";
    return new JsonObject()
        .put("text", message.sentenceReference() + " running: " + SlackText.escape(line))
        .put("blocks", new JsonArray()
            .add(new JsonObject().put("type", "section")
                .put("text", new JsonObject().put("type", "mrkdwn").put("text", headline)))
            .add(new JsonObject().put("type", "context").put("elements", new JsonArray().add(
                new JsonObject().put("type", "mrkdwn").put("text", SlackText.escape(line)))))
            .add(BlockKitButtons.actions(message.buttons())));
  }
}
