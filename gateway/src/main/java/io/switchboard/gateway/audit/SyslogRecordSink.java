package io.switchboard.gateway.audit;

import io.switchboard.audit.AuditRecord;
import io.switchboard.core.config.SyslogAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.TrustOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Writes audit records to a syslog receiver over TCP or TLS ({@code SWITCHBOARD_AUDIT_FORWARD_SYSLOG}),
 * as {@link SyslogFrames}, on one connection kept open between rounds. A batch counts as taken once
 * it is written and flushed to the socket: TCP syslog has no application acknowledgement, so a batch
 * in flight when the receiver dies can be lost (or, after a reconnection, repeated); see
 * docs/operations.md. A connection that fails or closes is dropped and made again on the next batch;
 * after a failed attempt the next waits a back-off (1 s doubling to a minute), batches in between
 * failing at once so their cursors stay put.
 */
public final class SyslogRecordSink implements AuditRecordSink {

  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration LONGEST_BACKOFF = Duration.ofMinutes(1);
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(SyslogRecordSink.class);

  private final NetClient client;
  private final SyslogAddress address;
  private final SyslogFrames frames;
  private final Clock clock;
  private final Duration firstBackoff;
  private Duration backoff;
  private Instant nextAttempt = Instant.MIN;
  private NetSocket socket;

  /**
   * @param trust for a {@code tls://} address, whom to trust: empty for the JVM's trust store alone
   *              ({@link SyslogTrust})
   */
  public SyslogRecordSink(Vertx vertx, SyslogAddress address, Optional<TrustOptions> trust, SyslogFrames frames,
                          Clock clock, Duration firstBackoff) {
    NetClientOptions options = new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS).setTcpKeepAlive(true);
    if (address.tls()) {
      options.setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
      trust.ifPresent(options::setTrustOptions);
    }
    this.client = vertx.createNetClient(options);
    this.address = address;
    this.frames = frames;
    this.clock = clock;
    this.firstBackoff = firstBackoff;
    this.backoff = firstBackoff;
  }

  @Override
  public String kind() {
    return "syslog";
  }

  @Override
  public String cursor() {
    return address.toString();
  }

  @Override
  public Future<Void> deliver(List<AuditRecord> records) {
    return connection().compose(connected -> connected.write(frames.frames(records)).recover(e -> {
      drop(connected);
      return Future.failedFuture("writing " + records.size() + " records of tenant " + records.get(0).tenantId()
          + " to " + address + " failed: " + e.getMessage());
    }));
  }

  /** Whether a connection is open now (one that failed or closed is dropped as soon as that is noticed). */
  boolean connected() {
    return socket != null;
  }

  @Override
  public void close() {
    client.close();
  }

  private Future<NetSocket> connection() {
    if (socket != null) {
      return Future.succeededFuture(socket);
    }
    Instant now = clock.instant();
    if (now.isBefore(nextAttempt)) {
      return Future.failedFuture("the syslog receiver " + address + " was unreachable; next attempt in "
          + Duration.between(now, nextAttempt).toMillis() + " ms");
    }
    return client.connect(address.port(), address.host()).transform(connected -> {
      if (connected.failed()) {
        nextAttempt = clock.instant().plus(backoff);
        backoff = backoff.multipliedBy(2).compareTo(LONGEST_BACKOFF) > 0 ? LONGEST_BACKOFF : backoff.multipliedBy(2);
        return Future.failedFuture("connecting to the syslog receiver " + address + " failed: "
            + connected.cause().getMessage());
      }
      NetSocket opened = connected.result();
      socket = opened;
      backoff = firstBackoff;
      opened.handler(ignored -> { });
      opened.closeHandler(v -> drop(opened));
      opened.exceptionHandler(e -> {
        LOG.warn("The connection to the syslog receiver {} failed: {}", address, e.toString());
        drop(opened);
      });
      LOG.info("Forwarding audit records to the syslog receiver {}", address);
      return Future.succeededFuture(opened);
    });
  }

  private void drop(NetSocket closed) {
    if (socket == closed) {
      socket = null;
      closed.close();
    }
  }
}
