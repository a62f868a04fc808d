package io.switchboard.gateway.teams;

import io.switchboard.gateway.message.ChatText;
import io.switchboard.gateway.message.Emoji;

/**
 * A {@link ChatText} in Teams: as a text message's markdown (code in backticks), or inside an Adaptive
 * Card's {@code TextBlock}, whose markdown has no code spans (code shown as its words). Users appear
 * by their AAD object id; symbols as Unicode.
 */
final class TeamsText {

  private static final ChatText.Renderer MARKDOWN = ChatText.Renderer.of(text -> text,
      strong -> "**" + strong + "**", code -> "`" + code.replace("`", "'") + "`", userId -> userId, Emoji::unicode);
  private static final ChatText.Renderer CARD = ChatText.Renderer.of(text -> text, strong -> "**" + strong + "**",
      code -> code, userId -> userId, Emoji::unicode);

  private TeamsText() {
  }

  /** For a text message ({@code textFormat: markdown}). */
  static String markdown(ChatText text) {
    return text.render(MARKDOWN);
  }

  /** For an Adaptive Card's text block. */
  static String card(ChatText text) {
    return text.render(CARD);
  }
}
