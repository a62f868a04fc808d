package io.switchboard.core.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the gateways forward every tenant's audit records as they are written, for a SIEM: each
 * record once acknowledged by the sink, in chain order per tenant, resumed after restarts from a
 * cursor kept in the database.
 *
 * @param url           {@value #URL}: the sink's http(s) endpoint; unset, nothing is forwarded
 * @param authorization {@value #AUTHORIZATION}: the Authorization header sent with each batch as
 *                      given (e.g. {@code Splunk <token>}, {@code Bearer <token>}); never logged
 * @param interval      {@value #SECONDS}: how often the gateways look for records to forward, default 5
 * @param syslog        {@value #SYSLOG}: a syslog receiver, {@code tcp://host:port} or
 *                      {@code tls://host:port}, forwarded to besides (or instead of) the URL; unset, none
 * @param syslogCaFile  {@value #SYSLOG_CA_FILE}: a PEM file of CA certificates trusted for the TLS
 *                      receiver besides the JVM's own trust store
 */
public record AuditForwardSettings(Optional<URI> url, Optional<String> authorization, Duration interval,
                                   Optional<SyslogAddress> syslog, Optional<Path> syslogCaFile) {

  public static final String URL = "SWITCHBOARD_AUDIT_FORWARD_URL";
  public static final String AUTHORIZATION = "SWITCHBOARD_AUDIT_FORWARD_AUTHORIZATION";
  public static final String SECONDS = "SWITCHBOARD_AUDIT_FORWARD_SECONDS";
  public static final String SYSLOG = "SWITCHBOARD_AUDIT_FORWARD_SYSLOG";
  public static final String SYSLOG_CA_FILE = "SWITCHBOARD_AUDIT_FORWARD_SYSLOG_CA_FILE";
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  static AuditForwardSettings fromEnv(Environment in) {
    Optional<String> authorization = in.optional(AUTHORIZATION);
    Optional<URI> url = in.optional(URL).map(value -> OutboundUrl.parse(URL, value));
    if (authorization.isPresent() && url.isEmpty()) {
      throw new IllegalArgumentException(AUTHORIZATION + " is set but " + URL + " is not: set both, or neither");
    }
    Optional<SyslogAddress> syslog = in.optional(SYSLOG).map(value -> SyslogAddress.parse(SYSLOG, value));
    Optional<Path> caFile = in.optional(SYSLOG_CA_FILE).map(Path::of);
    if (caFile.isPresent() && !syslog.map(SyslogAddress::tls).orElse(false)) {
      throw new IllegalArgumentException(SYSLOG_CA_FILE + " is set but " + SYSLOG + " is not a tls:// address");
    }
    if (caFile.isPresent() && !Files.isReadable(caFile.get())) {
      throw new IllegalArgumentException(SYSLOG_CA_FILE + ": cannot read the CA certificate file " + caFile.get());
    }
    return new AuditForwardSettings(url, authorization, in.seconds(SECONDS, DEFAULT_INTERVAL), syslog, caFile);
  }

  @Override
  public String toString() {
    return "AuditForwardSettings[url=" + url.map(OutboundUrl::forDisplay) + ", authorization="
        + authorization.map(a -> "[redacted]") + ", interval="
        + interval + ", syslog=" + syslog + ", syslogCaFile=" + syslogCaFile + "]";
  }
}
