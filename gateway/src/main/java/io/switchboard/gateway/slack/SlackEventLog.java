package io.switchboard.gateway.slack;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;

/**
 * The Events API deliveries a tenant has taken, by {@code event_id}, so that Slack's retries of an
 * event ({@code X-Slack-Retry-Num}) act once. The table is keyed by tenant and event id: one
 * tenant's event ids never suppress another's.
 *
 * <p>A delivery is taken, then marked done once it has acted. One that fails is forgotten, so a
 * retry acts; when forgetting fails too (PostgreSQL went away mid-way), the delivery stays taken but
 * not done, and a retry more than {@link #PRESUMED_LOST} after it takes it again instead of being
 * dropped as a duplicate: at least once, not at most once. What a command event does is idempotent
 * anyway (its job's key comes from the event id), so acting twice makes one job.
 */
public final class SlackEventLog {

  /**
   * How long a delivery taken but not done counts as still being handled. Slack retries an event it
   * got no answer for within 3 s: nearly at once, after a minute, after five.
   */
  static final Duration PRESUMED_LOST = Duration.ofSeconds(10);

  private static final String TAKE = """
      INSERT INTO slack_events (tenant_id, event_id, event_type) VALUES ($1, $2, $3)
      ON CONFLICT (tenant_id, event_id) DO UPDATE SET received_at = now()
        WHERE NOT slack_events.done AND slack_events.received_at < now() - make_interval(secs => $4)
      RETURNING event_id""";

  private static final String DONE = "UPDATE slack_events SET done = true WHERE tenant_id = $1 AND event_id = $2";

  private static final String FORGET = "DELETE FROM slack_events WHERE tenant_id = $1 AND event_id = $2";

  private final Pool pool;

  public SlackEventLog(Pool pool) {
    this.pool = pool;
  }

  /**
   * True for the first delivery of the event to this tenant, and for a retry of one that never got
   * done (see {@link #PRESUMED_LOST}); false for every other retry.
   */
  public Future<Boolean> take(String tenantId, String eventId, String eventType) {
    return pool.preparedQuery(TAKE).execute(Tuple.of(tenantId, eventId, eventType, (double) PRESUMED_LOST.toSeconds()))
        .map(rows -> rows.size() == 1);
  }

  /** Records that the delivery has acted: from now on every retry of it is a duplicate. */
  public Future<Void> done(String tenantId, String eventId) {
    return pool.preparedQuery(DONE).execute(Tuple.of(tenantId, eventId)).mapEmpty();
  }

  /** Lets a retry act again, after the first delivery failed before it did anything durable. */
  public Future<Void> forget(String tenantId, String eventId) {
    return pool.preparedQuery(FORGET).execute(Tuple.of(tenantId, eventId)).mapEmpty();
  }
}
