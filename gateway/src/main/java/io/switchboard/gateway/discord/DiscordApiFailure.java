package io.switchboard.gateway.discord;

/**
 * A Discord API call that did not succeed: an HTTP error with Discord's JSON error code when it gave
 * one ({@code 10008} unknown message, {@code 50027} invalid webhook token, ...), a 429 still refused
 * after the allowed retries, or no answer at all ({@code status} 0). Never carries a token.
 *
 * @param route  the call, e.g. {@code edit_original}
 * @param status the HTTP status, or 0 when Discord could not be reached
 * @param code   Discord's JSON error code, or 0 when there was none
 */
public final class DiscordApiFailure extends RuntimeException {

  /** Discord's error code for a message that no longer exists. */
  public static final int UNKNOWN_MESSAGE = 10008;
  /** Discord's error code for an interaction token that has expired or is wrong. */
  public static final int INVALID_WEBHOOK_TOKEN = 50027;

  private final String route;
  private final int status;
  private final int code;

  public DiscordApiFailure(String route, int status, int code, String detail) {
    super("Discord " + route + " failed: HTTP " + status + (code == 0 ? "" : " code " + code) + " " + detail);
    this.route = route;
    this.status = status;
    this.code = code;
  }

  public String route() {
    return route;
  }

  public int status() {
    return status;
  }

  public int code() {
    return code;
  }

  /** The original response is gone (deleted, or the interaction is unknown) but the token may still post. */
  public boolean originalGone() {
    return status == 404;
  }
}
