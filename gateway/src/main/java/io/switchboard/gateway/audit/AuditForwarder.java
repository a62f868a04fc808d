package io.switchboard.gateway.audit;

import io.switchboard.audit.AuditExportFormat;
import io.switchboard.audit.AuditForwarding;
import io.switchboard.audit.AuditRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forwards every tenant's audit records to the operator's sink ({@code SWITCHBOARD_AUDIT_FORWARD_URL},
 * a SIEM's HTTP collector): every {@code interval} it takes the tenants with records the sink has not
 * acknowledged and posts each one's next records, oldest first, as NDJSON lines of the export format
 * ({@link AuditExportFormat#record}, 500 a post), with the configured Authorization header. A 2xx
 * moves the tenant's cursor ({@link AuditForwarding}); anything else ends the round, and the next
 * round sends the same records again. So records reach the sink at least once, in chain order per
 * tenant, none skipped, across restarts and gateways; the sink de-duplicates by tenant and seq. A
 * sink newly configured receives every chain from its first record (its URL names its cursors).
 *
 * <p>A round gives each tenant at most {@value #PAGES_PER_TENANT} posts, so one busy tenant cannot
 * hold the others back; a tenant still behind after its posts waits for the next round behind those
 * that waited longer ({@link AuditForwarding#tenantsBehind}). While rounds move records and leave some
 * behind, the next starts at once instead of after {@code interval}.
 */
public final class AuditForwarder {

  static final int BATCH = 500;
  static final int PAGES_PER_TENANT = 4;
  static final int TENANTS_PER_ROUND = 100;
  private static final long TIMEOUT_MILLIS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(AuditForwarder.class);

  private final Vertx vertx;
  private final WebClient http;
  private final URI url;
  private final Optional<String> authorization;
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
   * A forwarder reporting {@code switchboard_audit_forward_records_total} (by {@code outcome}:
   * {@code acknowledged}, {@code refused}) and {@code switchboard_audit_forward_behind_records}, how
   * many records the sink has not acknowledged yet, all tenants, as of the last round.
   */
  public AuditForwarder(Vertx vertx, Pool pool, WebClient http, URI url, Optional<String> authorization,
                        Duration interval, MeterRegistry registry) {
    this(vertx, pool, http, url, authorization, interval, registry, BATCH, PAGES_PER_TENANT);
  }

  /** With other limits on a post and on a tenant's posts a round, for tests. */
  AuditForwarder(Vertx vertx, Pool pool, WebClient http, URI url, Optional<String> authorization,
                 Duration interval, MeterRegistry registry, int batch, int pagesPerTenant) {
    this.vertx = vertx;
    this.http = http;
    this.url = url;
    this.authorization = authorization;
    this.interval = interval;
    this.batch = batch;
    this.pagesPerTenant = pagesPerTenant;
    this.cursors = new AuditForwarding(pool, url.toString());
    this.acknowledged = Counter.builder("switchboard.audit.forward.records")
        .description("Audit records posted to the forwarding sink, by its answer").tag("outcome", "acknowledged")
        .register(registry);
    this.refused = Counter.builder("switchboard.audit.forward.records")
        .description("Audit records posted to the forwarding sink, by its answer").tag("outcome", "refused")
        .register(registry);
    Gauge.builder("switchboard.audit.forward.behind.records", behind, AtomicLong::get)
        .description("Audit records the forwarding sink has not acknowledged yet, all tenants").register(registry);
  }

  /** Starts forwarding: a round now, then one every interval. */
  public void start() {
    timer = vertx.setPeriodic(1, interval.toMillis(), id -> tick());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
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
        .onFailure(e -> LOG.warn("Forwarding audit records to {} failed (tried again in {} s): {}", url,
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
    Buffer lines = Buffer.buffer();
    records.forEach(record -> lines.appendString(AuditExportFormat.record(record).encode()).appendString("\n"));
    HttpRequest<Buffer> post = http.postAbs(url.toString()).timeout(TIMEOUT_MILLIS)
        .putHeader("Content-Type", AuditExportFormat.MEDIA_TYPE);
    authorization.ifPresent(value -> post.putHeader("Authorization", value));
    return post.sendBuffer(lines).transform(sent -> {
      if (sent.succeeded() && sent.result().statusCode() / 100 == 2) {
        acknowledged.increment(records.size());
        return Future.succeededFuture();
      }
      refused.increment(records.size());
      return Future.failedFuture(sent.succeeded()
          ? "the sink answered HTTP " + sent.result().statusCode() + " to " + records.size() + " records of tenant "
              + records.get(0).tenantId()
          : "posting " + records.size() + " records of tenant " + records.get(0).tenantId() + " failed: "
              + sent.cause().getMessage());
    });
  }
}
