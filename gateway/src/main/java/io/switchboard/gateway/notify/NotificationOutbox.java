package io.switchboard.gateway.notify;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.db.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import static io.switchboard.gateway.notify.NotificationInbox.utc;

/**
 * What is owed to chat, in PostgreSQL, so that several gateways deliver each notification once: a
 * sweep claims every owed notification of channels with one due ({@code FOR UPDATE SKIP LOCKED},
 * then a lease of {@link #LEASE}); the delivery then marks them shown (with the message that shows
 * them) or schedules a retry with back-off, up to {@link #MAX_ATTEMPTS}. A change received while a
 * delivery was in flight keeps its notification owed. Deliveries are audited, except those of the
 * gateway's own unaudited notifications ({@link NotificationInbox#queueUnaudited}).
 */
public final class NotificationOutbox {

  /** Attempts before a notification is given up as failed. */
  public static final int MAX_ATTEMPTS = 8;
  /** How long a claim holds: longer than a pacer queue and three 429 waits take. */
  public static final Duration LEASE = Duration.ofMinutes(5);
  /** Channels claimed per sweep, and notifications per claim. */
  private static final int CHANNELS = 20;
  private static final int NOTIFICATIONS = 200;

  private static final String MESSAGE_TS =
      "(SELECT ts FROM notification_messages m WHERE m.tenant_id = n.tenant_id AND m.id = n.message_id) AS message_ts";

  private static final String CLAIM = """
      WITH due AS (
        SELECT DISTINCT tenant_id, platform, workspace, channel FROM notifications
        WHERE owed AND due_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
        LIMIT $4
      ), picked AS (
        SELECT n.tenant_id, n.id FROM notifications n
        JOIN due d ON d.tenant_id = n.tenant_id AND d.platform = n.platform AND d.workspace = n.workspace
          AND d.channel = n.channel
        WHERE n.owed AND (n.claimed_until IS NULL OR n.claimed_until <= $1)
        ORDER BY n.id LIMIT $5
        FOR UPDATE OF n SKIP LOCKED
      )
      UPDATE notifications n SET claim = $3, claimed_until = $2, claimed_version = n.version
      FROM picked p WHERE n.tenant_id = p.tenant_id AND n.id = p.id
      RETURNING\s""" + StoredNotification.COLUMNS + ", " + MESSAGE_TS;

  private static final String OF_MESSAGE =
      "SELECT " + StoredNotification.COLUMNS + ", " + MESSAGE_TS
          + " FROM notifications n WHERE n.tenant_id = $1 AND n.message_id = $2 ORDER BY n.id";

  private static final String FIND =
      "SELECT " + StoredNotification.COLUMNS + ", " + MESSAGE_TS + " FROM notifications n WHERE n.tenant_id = $1 AND n.id = $2";

  private static final String NEW_MESSAGE = """
      INSERT INTO notification_messages (tenant_id, platform, workspace, channel, ts) VALUES ($1, $2, $3, $4, $5)
      RETURNING id""";

  private static final String SHOWN = """
      UPDATE notifications SET message_id = $4, owed = (version <> claimed_version), claim = NULL,
        claimed_until = NULL, attempts = 0, due_at = CASE WHEN version <> claimed_version THEN $5 ELSE due_at END
      WHERE tenant_id = $1 AND id = ANY($2) AND claim = $3
      RETURNING id, dedup_key, status, audited""";

  private static final String RETRY = """
      UPDATE notifications SET claim = NULL, claimed_until = NULL, attempts = attempts + $4,
        due_at = $5::timestamptz + CASE WHEN $4 = 0 THEN interval '1 second'
          ELSE least(interval '5 minutes', interval '5 seconds' * power(2, least(attempts, 10))) END,
        owed = attempts + $4 < $6, failed = attempts + $4 >= $6
      WHERE tenant_id = $1 AND id = ANY($2) AND claim = $3
      RETURNING id, dedup_key, failed, audited""";

  /** Who the audit log names for a delivery. */
  static final String ACTOR = "switchboard:notifications";

  /** The notifications of one channel this gateway holds the claim on. */
  public record Claim(UUID id, String tenantId, NotificationTarget target, List<StoredNotification> notifications) {
  }

  private final Pool pool;

  public NotificationOutbox(Pool pool) {
    this.pool = pool;
  }

  /** Claims the owed notifications of channels that have one due at {@code now}, one claim per channel. */
  public Future<List<Claim>> claimDue(Instant now) {
    UUID claim = UUID.randomUUID();
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.of(utc(now), utc(now.plus(LEASE)), claim, CHANNELS, NOTIFICATIONS))
        .map(rows -> {
          List<Claim> claims = new ArrayList<>();
          for (Row row : rows) {
            StoredNotification n = StoredNotification.fromRow(row);
            Claim existing = claims.stream().filter(c -> c.tenantId().equals(n.tenantId())
                && c.target().equals(n.target())).findFirst().orElse(null);
            if (existing == null) {
              existing = new Claim(claim, n.tenantId(), n.target(), new ArrayList<>());
              claims.add(existing);
            }
            existing.notifications().add(n);
          }
          return claims;
        });
  }

  /** Every notification a message shows, as stored now (to redraw it). */
  public Future<List<StoredNotification>> ofMessage(String tenantId, long messageId) {
    return pool.preparedQuery(OF_MESSAGE).execute(Tuple.of(tenantId, messageId)).map(NotificationOutbox::all);
  }

  /** One of the tenant's notifications; empty for another tenant's id. */
  public Future<Optional<StoredNotification>> find(String tenantId, long id) {
    return pool.preparedQuery(FIND).execute(Tuple.of(tenantId, id))
        .map(rows -> Rows.first(rows, StoredNotification::fromRow));
  }

  /** Remembers a newly posted message and marks the claimed notifications it shows as shown, audited. */
  public Future<Void> posted(Claim claim, List<Long> ids, String ts, Instant now) {
    NotificationTarget target = claim.target();
    return pool.withTransaction(tx -> tx.preparedQuery(NEW_MESSAGE)
        .execute(Tuple.of(claim.tenantId(), target.platform(), target.workspace(), target.channel(), ts))
        .compose(rows -> markShown(tx, claim, ids, rows.iterator().next().getLong("id"), ts, false, now)));
  }

  /** Marks the claimed notifications shown by the edited message {@code messageId}, audited. */
  public Future<Void> edited(Claim claim, List<Long> ids, long messageId, String ts, Instant now) {
    return pool.withTransaction(tx -> markShown(tx, claim, ids, messageId, ts, true, now));
  }

  private Future<Void> markShown(SqlConnection tx, Claim claim, List<Long> ids, long messageId,
                                 String ts, boolean edit, Instant now) {
    return tx.preparedQuery(SHOWN)
        .execute(Tuple.of(claim.tenantId(), ids.toArray(Long[]::new), claim.id(), messageId, utc(now)))
        .compose(rows -> AuditLog.appendAll(tx, events(claim, rows, AuditEventType.NOTIFICATION_POSTED,
            row -> new JsonObject().put("status", row.getString("status")).put("ts", ts).put("edit", edit))))
        .mapEmpty();
  }

  /**
   * Gives the claim back after a failed delivery: due again after a back-off (5 s, doubling with each
   * attempt, at most five minutes; one second for a call never made), the attempt counted
   * unless {@code counted} is false (the call was never made); a notification out of attempts is
   * marked failed and audited. Answers how many failed for good.
   */
  public Future<Integer> retry(Claim claim, List<Long> ids, boolean counted, String reason, Instant now) {
    return pool.withTransaction(tx -> tx.preparedQuery(RETRY)
        .execute(Tuple.from(Arrays.asList(claim.tenantId(), ids.toArray(Long[]::new), claim.id(), counted ? 1 : 0,
            utc(now), MAX_ATTEMPTS)))
        .compose(rows -> {
          List<Row> failed = new ArrayList<>();
          rows.forEach(row -> {
            if (row.getBoolean("failed")) {
              failed.add(row);
            }
          });
          return AuditLog.appendAll(tx, events(claim, failed, AuditEventType.NOTIFICATION_FAILED,
              row -> new JsonObject().put("reason", reason))).map(failed.size());
        }));
  }

  private static List<AuditEvent> events(Claim claim, Iterable<Row> rows, AuditEventType type,
                                         Function<Row, JsonObject> detail) {
    List<AuditEvent> events = new ArrayList<>();
    for (Row row : rows) {
      if (!row.getBoolean("audited")) {
        continue;
      }
      events.add(AuditEvent.of(claim.tenantId(), type, ACTOR, null, detail.apply(row)
          .put("notificationId", row.getLong("id")).put("key", row.getString("dedup_key"))
          .put("channel", claim.target().channel())));
    }
    return events;
  }

  private static List<StoredNotification> all(RowSet<Row> rows) {
    List<StoredNotification> all = new ArrayList<>();
    rows.forEach(row -> all.add(StoredNotification.fromRow(row)));
    return all;
  }
}
