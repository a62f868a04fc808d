package io.switchboard.gateway.slack;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which {@code response_url}s Switchboard will post to: only Slack's own (configured prefixes), so a
 * forged body can never turn the reply path into a request to an address of the sender's choosing.
 * The prefix is compared with a URL that has nothing a server could read differently from its text:
 * no user info, no fragment, no dot segments, and no encoded dot, slash or backslash in the path
 * ({@code /hooks/%2e%2e/...} would pass a bare prefix test but reach another path).
 */
public final class SlackResponseUrls {

  private final List<String> allowedPrefixes;

  public SlackResponseUrls(List<String> allowedPrefixes) {
    this.allowedPrefixes = List.copyOf(allowedPrefixes);
  }

  /** @throws SwitchboardException {@code invalid_response_url} (400) for any other URL */
  public void check(String responseUrl) {
    boolean allowed = allowedPrefixes.stream().anyMatch(responseUrl::startsWith);
    if (!allowed || !plain(responseUrl)) {
      throw new SwitchboardException(ErrorCode.INVALID_RESPONSE_URL,
          "response_url must be a Slack response URL (" + String.join(", ", allowedPrefixes) + ")");
    }
  }

  /** An http(s) URL with a host whose path means what it says. */
  private static boolean plain(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return false;
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String lower = path.toLowerCase(Locale.ROOT);
    return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
        && uri.getRawUserInfo() == null && uri.getRawFragment() == null
        && !lower.contains("%2e") && !lower.contains("%2f") && !lower.contains("%5c") && !path.contains("\\")
        && Arrays.stream(path.split("/", -1)).noneMatch(segment -> segment.equals(".") || segment.equals(".."));
  }
}
