package io.switchboard.gateway.slack;

import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Renders {@link ReplyMessage.Button}s as a Block Kit {@code actions} block: a button's
 * {@code action_id} is its id, its {@code value} the button's value.
 */
public final class BlockKitButtons {

  private BlockKitButtons() {
  }

  /** The buttons as one actions block. */
  public static JsonObject actions(List<ReplyMessage.Button> buttons) {
    JsonArray elements = new JsonArray();
    buttons.forEach(button -> {
      JsonObject element = new JsonObject().put("type", "button").put("action_id", button.id())
          .put("value", button.value())
          .put("text", new JsonObject().put("type", "plain_text").put("text", button.label()));
      switch (button.style()) {
        case PRIMARY -> element.put("style", "primary");
        case DANGER -> element.put("style", "danger");
        case DEFAULT -> { }
      }
      elements.add(element);
    });
    return new JsonObject().put("type", "actions").put("elements", elements);
  }

  /**
   * A copy of a Slack message with the buttons added below it. A message of text alone gets its text
   * as a section first, since Slack shows the blocks of a message that has them instead of its text.
   */
  public static JsonObject append(JsonObject message, List<ReplyMessage.Button> buttons) {
    JsonObject copy = message.copy();
    JsonArray blocks = copy.getJsonArray("blocks");
    if (blocks == null) {
      blocks = new JsonArray().add(new JsonObject().put("type", "section").put("text",
          new JsonObject().put("type", "mrkdwn").put("text", String.valueOf(copy.getValue("text", "")))));
      copy.put("blocks", blocks);
    }
    blocks.add(actions(buttons));
    return copy;
  }
}
