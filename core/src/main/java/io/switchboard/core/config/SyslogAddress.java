package io.switchboard.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A syslog receiver audit records are forwarded to: {@code tcp://host:port} (plain TCP, RFC 6587
 * octet counting) or {@code tls://host:port} (RFC 5425). A bad value fails naming the variable.
 *
 * @param tls  whether the connection is TLS
 * @param host the receiver's host name or address
 * @param port its TCP port, 1-65535
 */
public record SyslogAddress(boolean tls, String host, int port) {

  /** Checks {@code value} of {@code variable}: a scheme, a host and a port, nothing else. */
  public static SyslogAddress parse(String variable, String value) {
    String example = " (e.g. tls://siem.example.com:6514 or tcp://127.0.0.1:514; got "
        + (value.contains("@") ? "a value holding credentials" : "'" + value.trim() + "'") + ")";
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(variable + " is not a tcp:// or tls:// address" + example);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("tcp") || scheme.equals("tls")) || uri.getHost() == null) {
      throw new IllegalArgumentException(variable + " must be tcp://host:port or tls://host:port" + example);
    }
    if (uri.getPort() < 1 || uri.getPort() > 65535) {
      throw new IllegalArgumentException(variable + " must name the receiver's port, 1-65535" + example);
    }
    if (uri.getRawUserInfo() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(variable + " must hold only a scheme, a host and a port" + example);
    }
    return new SyslogAddress(scheme.equals("tls"), uri.getHost(), uri.getPort());
  }

  /** {@code tcp://host:port} or {@code tls://host:port}: also the name the sink's cursors are kept under. */
  @Override
  public String toString() {
    return (tls ? "tls" : "tcp") + "://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
        + ":" + port;
  }
}
