package io.switchboard.gateway.audit;

import io.switchboard.audit.AuditForwarding;
import io.switchboard.audit.AuditRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forwards every tenant's audit records to one of the operator's sinks ({@link AuditRecordSink}: a
 * SIEM's HTTP collector at {@code SWITCHBOARD_AUDIT_FORWARD_URL}, a syslog receiver at
 * {@code SWITCHBOARD_AUDIT_FORWARD_SYSLOG}; one forwarder each): every {@code interval} it takes the
 * tenants with records the sink has not taken and delivers each one's next records, oldest first,
 * 500 at a time. A delivery the sink took moves the tenant's cursor ({@link AuditForwarding}, kept
 * under the sink's {@link AuditRecordSink#cursor() name}); anything else ends the round, and the
 * next round sends the same records again. So records reach the sink in chain order per tenant,
 * none skipped, across restarts and gateways (at least once as far as the sink's protocol confirms
 * receipt; the sink de-duplicates by tenant and seq). A sink newly configured receives every chain
 * from its first record.
 *
 * <p>A round gives each tenant at most {@value #PAGES_PER_TENANT} deliveries, so one busy tenant cannot
 * hold the others back; a tenant still behind after them waits for the next round behind those
 * that waited longer ({@link AuditForwarding#tenantsBehind}). While rounds move records and leave some
 * behind, the next starts at once instead of after {@code interval}.
 */
public final class AuditForwarder {

  static final int BATCH = 500;
  static final int PAGES_PER_TENANT = 4;
  static final int TENANTS_PER_ROUND = 100;
  private static final Logger LOG = LoggerFactory.getLogger(AuditForwarder.class);

  private final Vertx vertx;
  private final AuditRecordSink sink;
  private final Duration interval;
  private final int batch;
  private final int pagesPerTenant;
  private final AuditForwarding cursors;
  private final Counter acknowledged;
  private final Counter refused;
  private final AtomicLong behind = new AtomicLong();
  private long timer = -1;
  private boolean running;

  /**
   * A forwarder reporting {@code switchboard_audit_forward_records_total} (by {@code sink}, the
   * sink's kind, and {@code outcome}: {@code acknowledged} (taken by the sink), {@code refused})
   * and {@code switchboard_audit_forward_behind_records} (by {@code sink}), how many records the
   * sink has not taken yet, all tenants, as of the last round.
   */
  public AuditForwarder(Vertx vertx, Pool pool, AuditRecordSink sink, Duration interval, MeterRegistry registry) {
    this(vertx, pool, sink, interval, registry, BATCH, PAGES_PER_TENANT);
  }

  /** With other limits on a delivery and on a tenant's deliveries a round, for tests. */
  AuditForwarder(Vertx vertx, Pool pool, AuditRecordSink sink, Duration interval, MeterRegistry registry, int batch,
                 int pagesPerTenant) {
    this.vertx = vertx;
    this.sink = sink;
    this.interval = interval;
    this.batch = batch;
    this.pagesPerTenant = pagesPerTenant;
    this.cursors = new AuditForwarding(pool, sink.cursor());
    this.acknowledged = Counter.builder("switchboard.audit.forward.records")
        .description("Audit records delivered to a forwarding sink, by its answer").tag("sink", sink.kind())
        .tag("outcome", "acknowledged").register(registry);
    this.refused = Counter.builder("switchboard.audit.forward.records")
        .description("Audit records delivered to a forwarding sink, by its answer").tag("sink", sink.kind())
        .tag("outcome", "refused").register(registry);
    Gauge.builder("switchboard.audit.forward.behind.records", behind, AtomicLong::get)
        .description("Audit records a forwarding sink has not taken yet, all tenants").tag("sink", sink.kind())
        .register(registry);
  }

  /** Starts forwarding: a round now, then one every interval. */
  public void start() {
    timer = vertx.setPeriodic(1, interval.toMillis(), id -> tick());
  }

  /** Stops the timer and lets go of the sink's connections. */
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    sink.close();
  }

  /** One round over the tenants that are behind; answers how many records the sink acknowledged. */
  public Future<Integer> forwardRound() {
    return cursors.tenantsBehind(TENANTS_PER_ROUND).compose(tenants -> forwardTenants(tenants, 0, 0))
        .transform(round -> cursors.recordsBehind().onSuccess(behind::set)
            .transform(measured -> round.succeeded() ? Future.succeededFuture(round.result())
                : Future.failedFuture(round.cause())));
  }

  private void tick() {
    if (running) {
      return;
    }
    running = true;
    forwardRound()
        .onFailure(e -> LOG.warn("Forwarding audit records to {} failed (tried again in {} s): {}", sink.displayName(),
            interval.toSeconds(), e.getMessage()))
        .onComplete(round -> {
          running = false;
          if (timer >= 0 && round.succeeded() && round.result() > 0 && behind.get() > 0) {
            // Records moved and some are left (a tenant had its posts): the next round now, not after interval.
            vertx.runOnContext(next -> tick());
          }
        });
  }

  private Future<Integer> forwardTenants(List<String> tenants, int index, int sent) {
    if (index == tenants.size()) {
      return Future.succeededFuture(sent);
    }
    return forwardTenant(tenants.get(index), sent, pagesPerTenant)
        .compose(total -> forwardTenants(tenants, index + 1, total));
  }

  /**
   * The tenant's records, a batch at a time, until it is caught up, another gateway has its turn or it
   * has had its posts for this round.
   */
  private Future<Integer> forwardTenant(String tenantId, int sent, int pagesLeft) {
    return cursors.forwardNext(tenantId, batch, this::deliver).compose(count -> count == batch && pagesLeft > 1
        ? forwardTenant(tenantId, sent + count, pagesLeft - 1) : Future.succeededFuture(sent + count));
  }

  private Future<Void> deliver(List<AuditRecord> records) {
    return sink.deliver(records)
        .onSuccess(v -> acknowledged.increment(records.size()))
        .onFailure(e -> refused.increment(records.size()));
  }
}
