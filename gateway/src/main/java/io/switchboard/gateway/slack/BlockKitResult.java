package io.switchboard.gateway.slack;

import io.switchboard.core.job.Job;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.stream.Collectors;

/**
 * Renders a finished job's {@link ReplyMessage} as a Slack message for {@code response_url}: a
 * headline with the outcome, the output (or error) in a code block cut to fit Slack's block limit,
 * any notes (e.g. where the whole output is), who ran it and how long it took, and the message's
 * buttons. Posted in the channel so everyone sees what was done.
 */
public final class BlockKitResult {

  /** Slack's limit for a section's text is 3,000 characters; leave room for the fences and note. */
  static final int MAX_OUTPUT_CHARS = 2_800;

  private BlockKitResult() {
  }

  public static JsonObject of(Job job) {
    return of(ReplyMessage.result(job));
  }

  public static JsonObject of(ReplyMessage message) {
    JsonArray blocks = new JsonArray().add(section(headline(message)));
    message.output().ifPresent(output -> blocks.add(section(codeBlock(output))));
    message.sections().forEach(text -> blocks.add(section(SlackText.escape(text))));
    blocks.add(new JsonObject().put("type", "context").put("elements", new JsonArray().add(
        new JsonObject().put("type", "mrkdwn").put("text", footer(message)))));
    if (!message.buttons().isEmpty()) {
      blocks.add(BlockKitButtons.actions(message.buttons()));
    }
    return new JsonObject()
        .put("response_type", "in_channel")
        .put("replace_original", false)
        .put("text", message.sentenceReference() + " " + message.status().wire() + ": "
            + SlackText.escape(message.title()))
        .put("blocks", blocks);
  }

  /** The result's one-line summary in mrkdwn: status emoji, command, status and job reference. */
  static String headline(ReplyMessage message) {
    return switch (message.status()) {
      case SUCCEEDED -> ":white_check_mark: ";
      case CANCELLED -> ":no_entry_sign: ";
      case RUNNING -> ":hourglass_flowing_sand: ";
      default -> ":x: ";
    } + SlackText.code(message.title()) + " " + message.status().wire() + " (" + message.reference() + ")";
  }

  static JsonObject section(String mrkdwn) {
    return new JsonObject().put("type", "section")
        .put("text", new JsonObject().put("type", "mrkdwn").put("text", mrkdwn));
  }

  private static String codeBlock(ReplyMessage.Excerpt output) {
    return "```" + SlackText.escape(output.cut(MAX_OUTPUT_CHARS).replace("```", "'''")) + "```";
  }

  private static String footer(ReplyMessage message) {
    return message.fields().stream().map(field -> field.label() + " " + (field.kind() == ReplyMessage.Field.Kind.USER
        ? "<@" + SlackText.escape(field.value()) + ">" : SlackText.escape(field.value())))
        .collect(Collectors.joining(" · "));
  }
}
