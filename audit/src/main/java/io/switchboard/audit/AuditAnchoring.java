package io.switchboard.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes every tenant's chain head to the {@link AuditAnchors} file when it has moved, every
 * {@code interval}, signed, logs each anchor too (a second copy wherever the logs are shipped) and
 * hands each round to the {@link AnchorSink}s (a webhook). How far
 * back a rewrite of the database is caught therefore depends on the interval: records newer than
 * the last anchor can be deleted from the end of a chain unnoticed; everything anchored cannot.
 * The file is written on a worker thread, never on the event loop.
 */
public final class AuditAnchoring {

  private static final Logger LOG = LoggerFactory.getLogger(AuditAnchoring.class);
  private static final String HEADS = "SELECT tenant_id, seq, hash FROM audit_chain_heads";

  private final Vertx vertx;
  private final SqlClient client;
  private final AuditAnchors anchors;
  private final Duration interval;
  private final Clock clock;
  private final List<AnchorSink> sinks;
  private final Map<String, Long> anchoredSeqs = new ConcurrentHashMap<>();
  private long timer = -1;
  private boolean running;

  public AuditAnchoring(Vertx vertx, SqlClient client, AuditAnchors anchors, Duration interval, Clock clock) {
    this(vertx, client, anchors, interval, clock, List.of());
  }

  /** Anchoring that also hands each round of signed anchors to the {@code sinks}. */
  public AuditAnchoring(Vertx vertx, SqlClient client, AuditAnchors anchors, Duration interval, Clock clock,
                        List<AnchorSink> sinks) {
    this.vertx = vertx;
    this.client = client;
    this.anchors = anchors;
    this.interval = interval;
    this.clock = clock;
    this.sinks = List.copyOf(sinks);
  }

  /** Reads what the file anchored already, anchors the heads once, then keeps anchoring on the timer. */
  public Future<Void> start() {
    LOG.info("Audit anchors are signed with Ed25519 key {} (public key {})", anchors.signingKey().keyId(),
        anchors.signingKey().publicKeyHex());
    return vertx.executeBlocking(anchors::read, false)
        .compose(read -> {
          read.problems().forEach(problem -> LOG.warn("Audit anchors: {}", problem));
          anchoredSeqs.putAll(read.newestSeqs());
          return anchorNow();
        })
        .onSuccess(v -> timer = vertx.setPeriodic(interval.toMillis(), id -> tick()))
        .mapEmpty();
  }

  /** Stops the timer and anchors once more, so what was written before a shutdown is anchored too. */
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return anchorNow().otherwise(e -> {
      LOG.warn("Anchoring the audit chains at shutdown failed: {}", e.toString());
      return 0;
    }).mapEmpty();
  }

  /** Anchors every head that moved since its last anchor; answers how many were written. */
  public Future<Integer> anchorNow() {
    return client.query(HEADS).execute().compose(rows -> {
      List<AuditAnchors.Anchor> moved = new ArrayList<>();
      for (Row row : rows) {
        String tenant = row.getString("tenant_id");
        long seq = row.getLong("seq");
        Long anchored = anchoredSeqs.get(tenant);
        if (anchored == null || anchored != seq) {
          moved.add(new AuditAnchors.Anchor(tenant, seq, row.getString("hash"), clock.instant()));
        }
      }
      if (moved.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return vertx.executeBlocking(() -> anchors.append(moved), false).map(signed -> {
        String keyId = anchors.signingKey().keyId();
        for (AuditAnchors.Anchor anchor : signed) {
          anchoredSeqs.put(anchor.tenantId(), anchor.seq());
          LOG.info("Audit anchor: {}", anchor.toJson(keyId).encode());
        }
        sinks.forEach(sink -> sink.publish(signed, anchors.signingKey()));
        return signed.size();
      });
    });
  }

  private void tick() {
    if (running) {
      return;
    }
    running = true;
    anchorNow()
        .onFailure(e -> LOG.warn("Anchoring the audit chains in {} failed (retried in {} s): {}", anchors.file(),
            interval.toSeconds(), e.toString()))
        .onComplete(ar -> running = false);
  }
}
