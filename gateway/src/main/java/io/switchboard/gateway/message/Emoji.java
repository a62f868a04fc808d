package io.switchboard.gateway.message;

/**
 * The symbols Switchboard's messages use, by meaning: each platform shows one its own way (Slack by
 * its short code, which Slack expands; everyone else as the Unicode character).
 */
public enum Emoji {
  RAISED_HAND("raised_hand", "\u270B"),
  CHECK("white_check_mark", "\u2705"),
  NO_ENTRY("no_entry_sign", "\uD83D\uDEAB"),
  HOURGLASS("hourglass", "\u231B"),
  HOURGLASS_FLOWING("hourglass_flowing_sand", "\u23F3"),
  CROSS("x", "\u274C"),
  WARNING("warning", "\u26A0\uFE0F"),
  LOCK("lock", "\uD83D\uDD12"),
  INFORMATION("information_source", "\u2139\uFE0F"),
  RED_CIRCLE("red_circle", "\uD83D\uDD34");

  private final String shortCode;
  private final String unicode;

  Emoji(String shortCode, String unicode) {
    this.shortCode = shortCode;
    this.unicode = unicode;
  }

  /** Slack's spelling, e.g. {@code :white_check_mark:}. */
  public String shortCode() {
    return ":" + shortCode + ":";
  }

  /** The character itself. */
  public String unicode() {
    return unicode;
  }
}
