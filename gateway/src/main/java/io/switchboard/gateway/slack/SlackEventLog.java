package io.switchboard.gateway.slack;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * The Events API deliveries a tenant has taken, by {@code event_id}, so that Slack's retries of an
 * event ({@code X-Slack-Retry-Num}) act once. The table is keyed by tenant and event id: one
 * tenant's event ids never suppress another's.
 */
public final class SlackEventLog {

  private static final String TAKE = """
      INSERT INTO slack_events (tenant_id, event_id, event_type) VALUES ($1, $2, $3)
      ON CONFLICT (tenant_id, event_id) DO NOTHING RETURNING event_id""";

  private static final String FORGET = "DELETE FROM slack_events WHERE tenant_id = $1 AND event_id = $2";

  private final Pool pool;

  public SlackEventLog(Pool pool) {
    this.pool = pool;
  }

  /** True for the first delivery of the event to this tenant, false for every retry after it. */
  public Future<Boolean> take(String tenantId, String eventId, String eventType) {
    return pool.preparedQuery(TAKE).execute(Tuple.of(tenantId, eventId, eventType)).map(rows -> rows.size() == 1);
  }

  /** Lets a retry act again, after the first delivery failed before it did anything durable. */
  public Future<Void> forget(String tenantId, String eventId) {
    return pool.preparedQuery(FORGET).execute(Tuple.of(tenantId, eventId)).mapEmpty();
  }
}
