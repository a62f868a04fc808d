package io.switchboard.gateway.slack.webapi;

/**
 * A Slack Web API call that did not succeed: Slack answered {@code ok:false} with an error code
 * ({@code invalid_auth}, {@code channel_not_found}, ...), answered with an HTTP error (code
 * {@code http_<status>}, including a 429 still refused after the allowed retries), or could not be
 * reached (code {@code unreachable}). Never carries a token.
 */
public final class SlackApiFailure extends RuntimeException {

  private final String method;
  private final String error;

  public SlackApiFailure(String method, String error) {
    super("Slack " + method + " failed: " + error);
    this.method = method;
    this.error = error;
  }

  public String method() {
    return method;
  }

  /** Slack's error code, or {@code http_<status>}, or {@code unreachable}. */
  public String error() {
    return error;
  }

  /** Whether trying again later may succeed (rate limits, Slack's own trouble, the network). */
  public boolean transientFailure() {
    return error.equals("unreachable") || error.equals("http_429") || error.startsWith("http_5")
        || error.equals("ratelimited") || error.equals("internal_error") || error.equals("fatal_error")
        || error.equals("service_unavailable") || error.equals("request_timeout");
  }
}
