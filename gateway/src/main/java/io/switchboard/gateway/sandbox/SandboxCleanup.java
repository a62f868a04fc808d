package io.switchboard.gateway.sandbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Deletes sandbox sessions nobody has used for a while, with their messages, so that visitors who
 * come and go do not make the database grow forever. A session is idle when it was made, and its
 * last message written, before the cut-off. Runs on a timer on every gateway; runs overlapping on
 * several gateways delete each session once. A deleted session's cookie is then refused (401) and
 * the page asks the visitor to pick a demo user again.
 */
public final class SandboxCleanup {

  /** How often each gateway looks for idle sessions. */
  public static final Duration INTERVAL = Duration.ofMinutes(10);
  private static final int BATCH = 500;
  private static final Logger LOG = LoggerFactory.getLogger(SandboxCleanup.class);

  private static final String DELETE_IDLE = """
      WITH idle AS (
        SELECT s.tenant_id, s.id FROM sandbox_sessions s
        WHERE s.created_at < $1 AND NOT EXISTS (
          SELECT 1 FROM sandbox_messages m WHERE m.tenant_id = s.tenant_id AND m.session_id = s.id AND m.created_at >= $1)
        LIMIT $2
        FOR UPDATE SKIP LOCKED
      ), messages AS (
        DELETE FROM sandbox_messages m USING idle WHERE m.tenant_id = idle.tenant_id AND m.session_id = idle.id
      )
      DELETE FROM sandbox_sessions s USING idle WHERE s.tenant_id = idle.tenant_id AND s.id = idle.id""";

  private final Vertx vertx;
  private final Pool pool;
  private final Duration idle;
  private final Clock clock;

  public SandboxCleanup(Vertx vertx, Pool pool, Duration idle, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.idle = idle;
    this.clock = clock;
  }

  /** Starts the timer; Vert.x cancels it when the verticle that called this is undeployed. */
  public void start() {
    vertx.setPeriodic(INTERVAL.toMillis(), id -> removeIdle()
        .onFailure(e -> LOG.warn("Deleting idle sandbox sessions failed: {}", e.toString())));
  }

  /** Deletes up to 500 sessions idle for longer than the configured time; the number deleted. */
  public Future<Integer> removeIdle() {
    OffsetDateTime cutOff = OffsetDateTime.ofInstant(clock.instant().minus(idle), ZoneOffset.UTC);
    return pool.preparedQuery(DELETE_IDLE).execute(Tuple.of(cutOff, BATCH)).map(rows -> {
      if (rows.rowCount() > 0) {
        LOG.info("Deleted {} sandbox sessions idle since before {}", rows.rowCount(), cutOff);
      }
      return rows.rowCount();
    });
  }
}
