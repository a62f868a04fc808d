package io.switchboard.gateway.slack;

import io.vertx.core.json.JsonObject;

/** Slack message text helpers: escaping for {@code mrkdwn} and the ephemeral reply shape. */
public final class SlackText {

  private SlackText() {
  }

  /** Escapes the three characters Slack's docs require escaping in message text. */
  public static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Inline code that stays inline code whatever the text holds. */
  public static String code(String text) {
    return "`" + escape(text.replace("`", "'")) + "`";
  }

  /** A reply only the requesting user sees. */
  public static JsonObject ephemeral(String text) {
    return new JsonObject().put("response_type", "ephemeral").put("text", text);
  }
}
