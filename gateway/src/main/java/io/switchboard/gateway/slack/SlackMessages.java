package io.switchboard.gateway.slack;

import io.switchboard.gateway.command.CommandAnswer;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.message.ChatText;
import io.switchboard.gateway.message.Emoji;
import io.switchboard.gateway.reply.JobButtons;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Renders a {@link ChatMessage} as a Slack message ({@code response_url}, {@code chat.postMessage},
 * an HTTP answer): a message of one paragraph as {@code text} alone, anything else as Block Kit
 * {@code blocks} with the summary as {@code text}; {@code response_type} from its visibility and
 * {@code replace_original} from its placement. Text is {@code mrkdwn} with Slack's three escapes.
 */
public final class SlackMessages {

  /** {@code mrkdwn}: plain text escaped, code as inline code, mentions as {@code <@id>}, emoji by short code. */
  public static final ChatText.Renderer MRKDWN = ChatText.Renderer.of(SlackText::escape,
      strong -> "*" + SlackText.escape(strong) + "*", SlackText::code,
      userId -> "<@" + SlackText.escape(userId) + ">", Emoji::shortCode);

  private SlackMessages() {
  }

  /** A command's answer, with a Cancel button when it queued a job. */
  public static JsonObject answer(CommandAnswer answer) {
    return of(answer.queuedJob().map(jobId -> answer.message().withButtons(List.of(JobButtons.cancel(jobId))))
        .orElse(answer.message()));
  }

  /**
   * The message as the arguments of {@code chat.postMessage} or {@code chat.update}: without
   * {@code response_type} and {@code replace_original}, which only a {@code response_url} takes.
   */
  public static JsonObject forWebApi(JsonObject message) {
    JsonObject arguments = message.copy();
    arguments.remove("response_type");
    arguments.remove("replace_original");
    return arguments;
  }

  /** The text in {@code mrkdwn}. */
  public static String mrkdwn(ChatText text) {
    return text.render(MRKDWN);
  }

  public static JsonObject of(ChatMessage message) {
    List<ChatMessage.Block> blocks = message.blocks();
    if (blocks.size() == 1 && blocks.get(0) instanceof ChatMessage.JobReport report) {
      JsonObject result = BlockKitResult.of(report.job()).put("response_type", responseType(message));
      return placed(result, message.placement());
    }
    JsonObject json = placed(new JsonObject().put("response_type", responseType(message)), message.placement());
    if (message.summary().isEmpty() && blocks.size() == 1 && blocks.get(0) instanceof ChatMessage.Paragraph only) {
      return json.put("text", mrkdwn(only.text()));
    }
    JsonArray rendered = new JsonArray();
    for (ChatMessage.Block block : blocks) {
      if (block instanceof ChatMessage.Paragraph paragraph) {
        rendered.add(section(mrkdwn(paragraph.text())));
      } else if (block instanceof ChatMessage.Context context) {
        rendered.add(new JsonObject().put("type", "context").put("elements", new JsonArray()
            .add(new JsonObject().put("type", "mrkdwn").put("text", mrkdwn(context.text())))));
      } else if (block instanceof ChatMessage.Buttons row) {
        JsonObject actions = BlockKitButtons.actions(row.buttons());
        row.group().ifPresent(group -> actions.put("block_id", group));
        rendered.add(actions);
      } else if (block instanceof ChatMessage.JobReport report) {
        rendered.addAll(BlockKitResult.of(report.job()).getJsonArray("blocks"));
      }
    }
    String summary = message.summary().or(() -> message.texts().stream().findFirst()).map(SlackMessages::mrkdwn)
        .orElse("");
    return json.put("text", summary).put("blocks", rendered);
  }

  private static String responseType(ChatMessage message) {
    return message.isEphemeral() ? "ephemeral" : "in_channel";
  }

  private static JsonObject placed(JsonObject json, ChatMessage.Placement placement) {
    return switch (placement) {
      case REPLACE -> json.put("replace_original", true);
      case NEW -> json.put("replace_original", false);
      case DEFAULT -> json;
    };
  }

  private static JsonObject section(String mrkdwn) {
    return new JsonObject().put("type", "section")
        .put("text", new JsonObject().put("type", "mrkdwn").put("text", mrkdwn));
  }
}
