package io.switchboard.gateway.slack;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Slack message text helpers: escaping for {@code mrkdwn} and the ephemeral reply shape. */
public final class SlackText {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm:ss 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

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

  /** A moment as people read it, to the second in UTC: {@code 3 Dec 2024, 14:03:22 UTC}. */
  public static String time(Instant instant) {
    return TIME.format(instant);
  }

  /** A reply only the requesting user sees. */
  public static JsonObject ephemeral(String text) {
    return new JsonObject().put("response_type", "ephemeral").put("text", text);
  }
}
