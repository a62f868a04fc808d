package io.switchboard.core.config;

/**
 * How many message calls one workspace of a platform (a Slack team, a Teams service URL, a Discord
 * guild) may take per minute from one gateway, across all its channels: new messages and edits are
 * counted apart, as Slack limits {@code chat.postMessage} and {@code chat.update} apart. Each allows a
 * burst of a sixth of its minute (ten seconds' worth).
 *
 * @param postsPerMinute new messages (posts, results, digests) per minute
 * @param editsPerMinute edits of existing messages per minute
 */
public record WorkspaceRate(int postsPerMinute, int editsPerMinute) {

  public WorkspaceRate {
    if (postsPerMinute < 1 || editsPerMinute < 1) {
      throw new IllegalArgumentException("a workspace rate must allow at least one call a minute, not "
          + postsPerMinute + " posts and " + editsPerMinute + " edits");
    }
  }

  /** The calls per minute of a new message ({@code edit} false) or of an edit. */
  public int perMinute(boolean edit) {
    return edit ? editsPerMinute : postsPerMinute;
  }
}
