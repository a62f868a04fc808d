package io.switchboard.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * An operator-configured URL Switchboard posts to (an anchor webhook, an audit sink): absolute,
 * {@code http} or {@code https}, with a host and without credentials (they would be logged with the
 * URL; a sink's credentials have a variable of their own). A bad value fails naming the variable.
 */
public final class OutboundUrl {

  private OutboundUrl() {
  }

  /** Checks {@code value} of {@code variable}. */
  public static URI parse(String variable, String value) {
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(variable + " is not a URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
      throw new IllegalArgumentException(variable + " must be an absolute http or https URL, e.g. "
          + "https://siem.example.com/switchboard (got '" + value.trim() + "')");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(variable + " must not hold a user name or password (got a URL with one)");
    }
    return uri;
  }

  /**
   * {@code url} as logs and settings print it: without its query, which may carry a token (some
   * collectors take theirs there), shown only as {@code ?[redacted]}.
   */
  public static String forDisplay(URI url) {
    String shown = url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "")
        + (url.getRawPath() == null ? "" : url.getRawPath());
    return url.getRawQuery() == null ? shown : shown + "?[redacted]";
  }
}
