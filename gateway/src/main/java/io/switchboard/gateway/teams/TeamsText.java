package io.switchboard.gateway.teams;

/**
 * Turns the pipeline's Slack-flavoured answer text into Teams markdown: Slack's escapes
 * ({@code &amp;}, {@code &lt;}, {@code &gt;}) are undone; backtick code spans mean the same in both.
 */
final class TeamsText {

  private TeamsText() {
  }

  static String fromSlack(String slackText) {
    return slackText.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
  }
}
