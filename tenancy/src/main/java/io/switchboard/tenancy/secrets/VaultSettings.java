package io.switchboard.tenancy.secrets;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Where and how the {@link VaultSecretStore} reaches Vault. A secret lives in the KV v2 engine at
 * {@code <kvMount>/<pathPrefix>/<tenantId>/<name>}, in the field {@code value}.
 *
 * @param address Vault's base URL, e.g. {@code https://vault.internal:8200}
 * @param auth token or AppRole credentials
 * @param kvMount the KV v2 mount path, e.g. {@code secret} (may have several segments)
 * @param pathPrefix the path under the mount that holds one folder per tenant; may be empty
 * @param cacheTtl how long a read is cached on this node; zero turns caching off
 * @param tls how Vault's certificate is checked; anything but {@link VaultTls.JvmTrust} needs an
 *     {@code https://} address
 */
public record VaultSettings(String address, VaultAuth auth, String kvMount, String pathPrefix, Duration cacheTtl,
    VaultTls tls) {

  public static final String DEFAULT_KV_MOUNT = "secret";
  public static final String DEFAULT_PATH_PREFIX = "switchboard/tenants";
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(30);

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]+");

  public VaultSettings {
    address = address(address, "Vault address");
    if (auth == null) {
      throw new IllegalArgumentException("Vault authentication must be given");
    }
    kvMount = path(kvMount, "Vault KV mount", false);
    pathPrefix = path(pathPrefix, "Vault path prefix", true);
    if (cacheTtl == null || cacheTtl.isNegative()) {
      throw new IllegalArgumentException("Vault cache TTL must be zero or positive");
    }
    if (tls == null) {
      throw new IllegalArgumentException("Vault TLS settings must be given (VaultTls.jvmTrust() for the default)");
    }
    if (!(tls instanceof VaultTls.JvmTrust) && !address.startsWith("https://")) {
      throw new IllegalArgumentException("a Vault CA certificate or skipping TLS verification needs an https:// "
          + "Vault address, got '" + address + "'");
    }
  }

  /** Settings with the default mount, prefix and cache TTL, trusting the JVM's CAs. */
  public static VaultSettings of(String address, VaultAuth auth) {
    return new VaultSettings(address, auth, DEFAULT_KV_MOUNT, DEFAULT_PATH_PREFIX, DEFAULT_CACHE_TTL,
        VaultTls.jvmTrust());
  }

  /** The same settings with another cache TTL. */
  public VaultSettings withCacheTtl(Duration ttl) {
    return new VaultSettings(address, auth, kvMount, pathPrefix, ttl, tls);
  }

  /** The same settings with another mount and prefix. */
  public VaultSettings withPaths(String mount, String prefix) {
    return new VaultSettings(address, auth, mount, prefix, cacheTtl, tls);
  }

  /** The same settings with another way of checking Vault's certificate. */
  public VaultSettings withTls(VaultTls other) {
    return new VaultSettings(address, auth, kvMount, pathPrefix, cacheTtl, other);
  }

  /** An http(s) URL without a trailing slash; {@code label} names the setting in errors. */
  static String address(String value, String label) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(label + " must be set");
    }
    String trimmed = value.strip().replaceAll("/+$", "");
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(label + " is not a valid URL (e.g. https://vault.example.com:8200)");
    }
    if (uri.getUserInfo() != null) {
      throw new IllegalArgumentException(label + " must not contain credentials; give them separately");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
        || uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException(label + " must be an http:// or https:// URL with a host"
          + " (e.g. https://vault.example.com:8200), got '" + value + "'");
    }
    return trimmed;
  }

  /** Slash-separated segments of {@code [A-Za-z0-9_.-]}, none of them {@code .} or {@code ..}; outer slashes dropped. */
  static String path(String value, String label, boolean mayBeEmpty) {
    String trimmed = value == null ? "" : value.strip().replaceAll("^/+|/+$", "");
    if (trimmed.isEmpty()) {
      if (mayBeEmpty) {
        return "";
      }
      throw new IllegalArgumentException(label + " must not be empty");
    }
    for (String segment : trimmed.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(label + " must be path segments of letters, digits, '_', '.' or '-' "
            + "separated by '/', without '.' or '..' segments; got '" + value + "'");
      }
    }
    return trimmed;
  }
}
