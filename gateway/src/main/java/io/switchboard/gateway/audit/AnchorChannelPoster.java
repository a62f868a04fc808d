package io.switchboard.gateway.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.audit.AnchorSigningKey;
import io.switchboard.audit.AnchorSink;
import io.switchboard.audit.AuditAnchors;
import io.switchboard.gateway.notify.NotificationInbox;
import io.switchboard.gateway.notify.NotificationTarget;
import io.switchboard.gateway.notify.NotificationTargets;
import io.switchboard.tenancy.policy.AnchorChannel;
import io.switchboard.tenancy.policy.TenantPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Posts each tenant's signed audit anchors to the chat channel its policy names
 * ({@code audit.anchorChannel}), so the tenant keeps a copy of its chain heads outside the
 * deployment. The post is queued as a notification (delivered by the notification sweep, paced and
 * retried like every other) in the transaction that moves the tenant's row of
 * {@code audit_anchor_posts}: only a head newer than the last one posted, to a channel that is the
 * tenant's own installation's, at least {@code everyMinutes} after the last post (or to a channel
 * newly chosen). A head held back by the spacing waits here and is tried again every
 * {@link #RETRY_INTERVAL}. Nothing here holds anchoring up: failures are logged and counted in
 * {@code switchboard_audit_anchor_posts_total} (by {@code outcome}: {@code queued}, {@code waiting},
 * {@code refused} for a channel that is not the tenant's, {@code failed}).
 */
public final class AnchorChannelPoster implements AnchorSink {

  static final Duration RETRY_INTERVAL = Duration.ofMinutes(1);
  private static final Logger LOG = LoggerFactory.getLogger(AnchorChannelPoster.class);

  /** Claims the post: answers the claimed seq (null when not claimed) and the seq posted before. */
  private static final String CLAIM = """
      WITH claimed AS (
        INSERT INTO audit_anchor_posts AS p (tenant_id, platform, workspace, channel, seq, posted_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (tenant_id) DO UPDATE SET platform = excluded.platform, workspace = excluded.workspace,
          channel = excluded.channel, seq = excluded.seq, posted_at = excluded.posted_at
        WHERE (p.platform, p.workspace, p.channel) IS DISTINCT FROM (excluded.platform, excluded.workspace, excluded.channel)
           OR (excluded.seq > p.seq AND p.posted_at <= $7)
        RETURNING seq)
      SELECT (SELECT seq FROM claimed) AS claimed,
             (SELECT seq FROM audit_anchor_posts WHERE tenant_id = $1) AS posted""";

  private final Vertx vertx;
  private final Pool pool;
  private final Function<String, Future<TenantPolicy>> policies;
  private final NotificationTargets targets;
  private final NotificationInbox inbox;
  private final Clock clock;
  private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
  private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  private long timer = -1;

  private record Waiting(AuditAnchors.Anchor anchor, AnchorSigningKey key) {
  }

  /** @param policies each tenant's current policy (the gateway's {@code PolicyDirectory#policyOf}) */
  public AnchorChannelPoster(Vertx vertx, Pool pool, Function<String, Future<TenantPolicy>> policies,
                             NotificationTargets targets, NotificationInbox inbox, MeterRegistry registry,
                             Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.policies = policies;
    this.targets = targets;
    this.inbox = inbox;
    this.registry = registry;
    this.clock = clock;
  }

  /** Starts trying the heads the spacing held back, every {@link #RETRY_INTERVAL}. */
  public void start() {
    timer = vertx.setPeriodic(RETRY_INTERVAL.toMillis(), id -> List.copyOf(waiting.values())
        .forEach(w -> post(w.anchor(), w.key())));
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  @Override
  public void publish(List<AuditAnchors.Anchor> anchors, AnchorSigningKey key) {
    anchors.forEach(anchor -> post(anchor, key));
  }

  /** Queues the anchor's post if the tenant has a channel and the head is due; completes when decided. */
  Future<String> post(AuditAnchors.Anchor anchor, AnchorSigningKey key) {
    String tenantId = anchor.tenantId();
    return policies.apply(tenantId).compose(policy -> {
      if (policy.anchorChannel().isEmpty()) {
        waiting.remove(tenantId);
        return Future.succeededFuture("none");
      }
      AnchorChannel channel = policy.anchorChannel().get();
      NotificationTarget target = new NotificationTarget(channel.platform(), channel.workspace(), channel.channel());
      return targets.check(tenantId, target).transform(checked -> {
        if (checked.failed()) {
          waiting.remove(tenantId);
          LOG.warn("Audit anchor {} of tenant {} not posted: its anchor channel is not usable ({})", anchor.seq(),
              tenantId, checked.cause().getMessage());
          return Future.succeededFuture("refused");
        }
        return claimAndQueue(anchor, key, target, channel.every());
      });
    }).transform(done -> {
      String outcome = done.succeeded() ? done.result() : "failed";
      if (done.failed()) {
        LOG.warn("Posting audit anchor {} of tenant {} to its channel failed: {}", anchor.seq(), tenantId,
            done.cause().toString());
      }
      if (!outcome.equals("none") && !outcome.equals("posted")) {
        count(outcome);
      }
      return Future.succeededFuture(outcome);
    });
  }

  private Future<String> claimAndQueue(AuditAnchors.Anchor anchor, AnchorSigningKey key, NotificationTarget target,
                                       Duration every) {
    Instant now = clock.instant();
    String tenantId = anchor.tenantId();
    return pool.withTransaction(tx -> tx.preparedQuery(CLAIM).execute(Tuple.of(tenantId, target.platform(),
            target.workspace(), target.channel(), anchor.seq(), utc(now), utc(now.minus(every))))
        .compose(rows -> {
          Row row = rows.iterator().next();
          Long posted = row.getLong("posted");
          if (row.getLong("claimed") == null) {
            return Future.succeededFuture(posted != null && posted >= anchor.seq() ? "posted" : "waiting");
          }
          return inbox.queueUnaudited(tx, tenantId, AnchorPostText.of(anchor, key, target))
              .compose(queued -> queued ? Future.succeededFuture("queued") : Future.failedFuture(
                  "the tenant has a notification of key " + AnchorPostText.key(anchor) + " already"));
        }))
        .onSuccess(outcome -> {
          if (outcome.equals("waiting")) {
            waiting.merge(tenantId, new Waiting(anchor, key),
                (held, next) -> next.anchor().seq() > held.anchor().seq() ? next : held);
          } else {
            waiting.computeIfPresent(tenantId, (t, held) -> held.anchor().seq() <= anchor.seq() ? null : held);
          }
        });
  }

  private void count(String outcome) {
    outcomes.computeIfAbsent(outcome, o -> Counter.builder("switchboard.audit.anchor.posts")
        .description("Audit anchors meant for a tenant's anchor channel, by what became of them")
        .tag("outcome", o).register(registry)).increment();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
