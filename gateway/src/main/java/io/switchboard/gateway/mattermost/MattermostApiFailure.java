package io.switchboard.gateway.mattermost;

/**
 * A Mattermost REST API call that did not succeed: an HTTP error (with Mattermost's error id when it
 * gave one, e.g. {@code api.context.session_expired.app_error}), a 429 still refused after the allowed
 * retries, or no answer at all ({@code status} 0). Never carries a token.
 */
public final class MattermostApiFailure extends RuntimeException {

  private final String route;
  private final int status;

  public MattermostApiFailure(String route, int status, String detail) {
    super("Mattermost " + route + " failed: " + (status == 0 ? "no answer" : "HTTP " + status)
        + (detail.isEmpty() ? "" : " " + detail));
    this.route = route;
    this.status = status;
  }

  public String route() {
    return route;
  }

  public int status() {
    return status;
  }

  /** The server did not answer (unreachable, timed out). */
  public boolean unreachable() {
    return status == 0;
  }

  /** The post is gone (deleted) or the bot may not see it. */
  public boolean postGone() {
    return status == 404 || status == 403;
  }
}
