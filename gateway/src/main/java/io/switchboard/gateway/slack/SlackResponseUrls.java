package io.switchboard.gateway.slack;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Which {@code response_url}s Switchboard will post to: only Slack's own (configured prefixes), so a
 * forged body can never turn the reply path into a request to an address of the sender's choosing.
 */
public final class SlackResponseUrls {

  private final List<String> allowedPrefixes;

  public SlackResponseUrls(List<String> allowedPrefixes) {
    this.allowedPrefixes = List.copyOf(allowedPrefixes);
  }

  /** @throws SwitchboardException {@code invalid_response_url} (400) for any other URL */
  public void check(String responseUrl) {
    boolean allowed = allowedPrefixes.stream().anyMatch(responseUrl::startsWith);
    boolean wellFormed;
    try {
      URI uri = new URI(responseUrl);
      wellFormed = ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      wellFormed = false;
    }
    if (!allowed || !wellFormed) {
      throw new SwitchboardException(ErrorCode.INVALID_RESPONSE_URL,
          "response_url must be a Slack response URL (" + String.join(", ", allowedPrefixes) + ")");
    }
  }
}
