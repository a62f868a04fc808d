package io.switchboard.gateway.mattermost;

import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.message.ChatText;

import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Mattermost's Markdown for {@link ChatText}: strong words in {@code **}, code in backticks (a
 * backtick inside becomes an apostrophe), symbols by their short code (Mattermost expands
 * {@code :white_check_mark:}), and plain words escaped so that what a user typed shows as typed: no
 * Markdown, and no {@code @} mention (a zero-width space after every {@code @}, in code too), so no output
 * or command text pings {@code @channel}. A mention names the user by id in code: Mattermost's Markdown
 * mentions by username, which a command's request carries but stored user ids do not.
 */
public final class MattermostText {

  /** Mattermost's limit of a post's message (servers 5.0 and later: 16,383 characters). */
  static final int MAX_MESSAGE_CHARS = 16_383;

  private static final Pattern MARKUP = Pattern.compile("([\\\\*_~`|>#\\[\\]])");

  private static final ChatText.Renderer MARKDOWN = ChatText.Renderer.of(MattermostText::escape,
      strong -> "**" + escape(strong) + "**", MattermostText::code, userId -> "user " + code(userId),
      emoji -> emoji.shortCode());

  private MattermostText() {
  }

  /** The message's paragraphs and context lines, one a line, uncut. */
  public static String of(ChatMessage message) {
    return message.texts().stream().map(MattermostText::of).collect(Collectors.joining("\n"));
  }

  public static String of(ChatText text) {
    return text.render(MARKDOWN);
  }

  /** Plain text that shows as typed: Markdown escaped, mentions broken. */
  public static String escape(String text) {
    return noMentions(MARKUP.matcher(text).replaceAll("\\\\$1"));
  }

  static String code(String code) {
    return "`" + noMentions(code.replace("`", "'").replace("\n", " ")) + "`";
  }

  /** Breaks every {@code @mention} (a zero-width space after the {@code @}). */
  static String noMentions(String text) {
    return text.replace("@", "@\u200B");
  }

  /** {@code text} cut to {@code max} characters, with an ellipsis when cut. */
  static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
