package io.switchboard.gateway.audit;

import io.switchboard.core.config.AuditForwardSettings;
import io.switchboard.tenancy.secrets.PemCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.client.WebClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The audit record sinks the settings configure: the webhook, the syslog receiver, both or none.
 * Reads the syslog CA file and resolves this host's name: call it at start-up, off the event loop.
 */
public final class AuditRecordSinks {

  private AuditRecordSinks() {
  }

  /** One sink per configured destination; a CA file without a certificate fails naming its variable. */
  public static List<AuditRecordSink> configured(Vertx vertx, WebClient http, AuditForwardSettings settings) {
    List<AuditRecordSink> sinks = new ArrayList<>();
    settings.url().ifPresent(url -> sinks.add(new WebhookRecordSink(http, url, settings.authorization())));
    settings.syslog().ifPresent(address -> sinks.add(new SyslogRecordSink(vertx, address,
        settings.syslogCaFile().map(AuditRecordSinks::trust), new SyslogFrames(hostname(),
        ProcessHandle.current().pid()), Clock.systemUTC(), SyslogRecordSink.FIRST_BACKOFF)));
    return sinks;
  }

  private static TrustOptions trust(Path caFile) {
    try {
      return SyslogTrust.jvmAnd(PemCertificates.parse(Files.readString(caFile, StandardCharsets.ISO_8859_1),
          caFile.toString(), AuditForwardSettings.SYSLOG_CA_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException(AuditForwardSettings.SYSLOG_CA_FILE + ": cannot read " + caFile, e);
    }
  }

  /** The name receivers show for this node: {@code HOSTNAME} as containers set it, else the local host's. */
  private static String hostname() {
    String fromEnv = System.getenv("HOSTNAME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "-";
    }
  }
}
