package io.switchboard.gateway.sandbox;

import io.switchboard.gateway.reply.ReplyMessage;
import io.switchboard.gateway.slack.ApprovalCards;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders what Switchboard says into the sandbox's message JSON, which the page shows as text only
 * (never as HTML, so nothing in a command or its output can become markup). A message has
 * {@code from}, {@code text}, and for a job {@code title}, {@code status}, {@code reference},
 * {@code fields}, {@code sections}, {@code output}; {@code buttons} are approval votes
 * ({@code action}: {@code approve} or {@code deny}, {@code approval}: its id).
 */
public final class SandboxRendering {

  /** The name answers are shown under. */
  public static final String BOT = "switchboard";

  /** The longest output excerpt shown in the page; the whole of it is in the jobs API. */
  static final int MAX_OUTPUT_CHARS = 4_000;

  private static final Pattern SLACK_LINK = Pattern.compile("<(https?://[^|>]+)\\|([^>]+)>");
  private static final Map<String, String> EMOJI = Map.of(
      ":white_check_mark:", "\u2705", ":x:", "\u274C", ":no_entry_sign:", "\uD83D\uDEAB",
      ":raised_hand:", "\u270B", ":hourglass:", "\u231B", ":hourglass_flowing_sand:", "\u23F3",
      ":warning:", "\u26A0\uFE0F", ":lock:", "\uD83D\uDD12");

  private SandboxRendering() {
  }

  /** What the visitor typed, as {@code user}. */
  public static JsonObject typed(String user, String text) {
    return new JsonObject().put("from", user).put("text", text);
  }

  /** A plain answer of Switchboard's. */
  public static JsonObject said(String text) {
    return new JsonObject().put("from", BOT).put("text", text);
  }

  /** A job's message from the platform-neutral reply model (progress or result). */
  public static JsonObject of(ReplyMessage reply) {
    JsonArray fields = new JsonArray();
    reply.fields().forEach(field -> fields.add(new JsonObject().put("label", field.label())
        .put("value", field.kind() == ReplyMessage.Field.Kind.USER ? "@" + field.value() : field.value())));
    JsonObject message = said(reply.sentenceReference() + " " + reply.status().wire())
        .put("title", reply.title()).put("status", reply.status().wire()).put("reference", reply.reference())
        .put("fields", fields).put("sections", new JsonArray(new ArrayList<>(reply.sections())))
        .put("buttons", new JsonArray());
    reply.output().ifPresent(output -> message.put("output", output.cut(MAX_OUTPUT_CHARS)));
    return message;
  }

  /**
   * A pipeline answer (Slack-shaped: mrkdwn {@code text}, or section and context {@code blocks}) as a
   * sandbox message: Slack's escapes undone, emoji short codes made Unicode, links shown with their
   * address, and the approval buttons of its {@code actions} blocks kept as vote buttons.
   */
  public static JsonObject fromSlack(JsonObject slack) {
    JsonObject message = said(slackText(slack)).put("buttons", votes(slack));
    if ("ephemeral".equals(slack.getValue("response_type"))) {
      message.put("ephemeral", true);
    }
    return message;
  }

  private static String slackText(JsonObject slack) {
    List<String> lines = new ArrayList<>();
    for (JsonObject block : blocks(slack)) {
      if (block.getValue("text") instanceof JsonObject text && text.getValue("text") instanceof String line) {
        lines.add(line);
      }
      if ("context".equals(block.getValue("type")) && block.getValue("elements") instanceof JsonArray elements) {
        for (Object element : elements) {
          if (element instanceof JsonObject e && e.getValue("text") instanceof String line) {
            lines.add(line);
          }
        }
      }
    }
    String text = lines.isEmpty() ? String.valueOf(slack.getValue("text", "")) : String.join("\n", lines);
    for (Map.Entry<String, String> emoji : EMOJI.entrySet()) {
      text = text.replace(emoji.getKey(), emoji.getValue());
    }
    return SLACK_LINK.matcher(text).replaceAll("$2 ($1)").replace("&lt;", "<").replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  private static JsonArray votes(JsonObject slack) {
    JsonArray buttons = new JsonArray();
    for (JsonObject block : blocks(slack)) {
      if (!"actions".equals(block.getValue("type")) || !(block.getValue("elements") instanceof JsonArray elements)) {
        continue;
      }
      for (Object element : elements) {
        if (element instanceof JsonObject button && button.getValue("value") instanceof String value
            && value.matches("[0-9]{1,18}")) {
          String action = switch (String.valueOf(button.getValue("action_id"))) {
            case ApprovalCards.APPROVE -> "approve";
            case ApprovalCards.DENY -> "deny";
            default -> null;
          };
          if (action != null) {
            String label = button.getValue("text") instanceof JsonObject t ? String.valueOf(t.getValue("text")) : action;
            buttons.add(new JsonObject().put("action", action).put("label", label)
                .put("approval", Long.parseLong(value)));
          }
        }
      }
    }
    return buttons;
  }

  private static List<JsonObject> blocks(JsonObject slack) {
    List<JsonObject> blocks = new ArrayList<>();
    if (slack.getValue("blocks") instanceof JsonArray array) {
      array.forEach(block -> {
        if (block instanceof JsonObject b) {
          blocks.add(b);
        }
      });
    }
    return blocks;
  }
}
