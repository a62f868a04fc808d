package io.switchboard.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@value #VARIABLE}: the address at which chat platforms and people reach this deployment's
 * gateways (a load balancer's or reverse proxy's), used to write absolute URLs of the gateway's own
 * routes where a platform must be told them (a Slack app manifest). Never taken from a request's
 * {@code Host} header, which the client chooses.
 *
 * <p>An absolute {@code https} URL, or {@code http} for a loopback host (localhost, 127.0.0.1, [::1]);
 * no user info, query or fragment. A path is kept (a proxy that serves Switchboard under
 * {@code /switchboard}); a trailing slash is dropped.
 *
 * @param base the URL without a trailing slash, e.g. {@code https://chatops.example.com}
 */
public record PublicUrl(String base) {

  public static final String VARIABLE = "SWITCHBOARD_PUBLIC_URL";

  private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

  /** The configured URL, checked; empty when the variable is unset or blank. */
  public static Optional<PublicUrl> fromEnv(Environment env) {
    return env.optional(VARIABLE).map(PublicUrl::parse);
  }

  /** Checks a value of {@value #VARIABLE}; a bad one fails naming the variable and saying what is wrong. */
  public static PublicUrl parse(String value) {
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException e) {
      throw invalid(value, "it is not a URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme == null || uri.isOpaque() || uri.getRawAuthority() == null || uri.getHost() == null) {
      throw invalid(value, "it must be absolute, with a scheme and a host");
    }
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw invalid(value, "the scheme must be https");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (scheme.equals("http") && !LOOPBACK_HOSTS.contains(host)) {
      throw invalid(value, "the scheme must be https (http only for localhost, 127.0.0.1 or [::1])");
    }
    if (uri.getPort() > 65535) {
      throw invalid(value, "the port must be 1-65535");
    }
    if (uri.getRawUserInfo() != null) {
      throw invalid(value, "it must not hold a user name or password");
    }
    if (uri.getRawQuery() != null) {
      throw invalid(value, "it must not have a query (?...)");
    }
    if (uri.getRawFragment() != null) {
      throw invalid(value, "it must not have a fragment (#...)");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return new PublicUrl(scheme + "://" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path);
  }

  /** The absolute URL of one of the gateway's routes, e.g. {@code resolve("/slack/events")}. */
  public String resolve(String routePath) {
    if (!routePath.startsWith("/")) {
      throw new IllegalArgumentException("a route path starts with /: " + routePath);
    }
    return base + routePath;
  }

  private static IllegalArgumentException invalid(String value, String why) {
    return new IllegalArgumentException(VARIABLE + " must be the absolute https URL at which Slack and people "
        + "reach the gateways, e.g. https://chatops.example.com: " + why + " (got '" + value.trim() + "')");
  }

  @Override
  public String toString() {
    return base;
  }
}
