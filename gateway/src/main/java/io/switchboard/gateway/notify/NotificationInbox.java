package io.switchboard.gateway.notify;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.config.Notifications;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Takes notifications in, de-duplicated per tenant and key: a new key, or a known one whose status
 * has not changed for longer than the dedup window, is owed as a new message once the group wait has
 * passed; a status change is owed as an edit of the message that shows it (or joins its waiting
 * group); the same status again within the window is only counted. Each batch is one transaction
 * with its audit records, so what was answered is exactly what is stored.
 */
public final class NotificationInbox {

  private static final String INSERT = """
      INSERT INTO notifications (tenant_id, dedup_key, platform, workspace, channel, title, body, severity, status,
        source, status_since, last_seen_at, due_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12)
      ON CONFLICT (tenant_id, dedup_key) DO NOTHING
      RETURNING id""";

  private static final String INSERT_UNAUDITED = """
      INSERT INTO notifications (tenant_id, dedup_key, platform, workspace, channel, title, body, severity, status,
        source, status_since, last_seen_at, due_at, audited)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, false)
      ON CONFLICT (tenant_id, dedup_key) DO NOTHING
      RETURNING id""";

  private static final String LOCK =
      "SELECT id, status, status_since FROM notifications WHERE tenant_id = $1 AND dedup_key = $2 FOR UPDATE";

  private static final String REPEAT = """
      UPDATE notifications SET repeats = repeats + 1, last_seen_at = $3 WHERE tenant_id = $1 AND id = $2
      RETURNING repeats""";

  /** A new status of a known notification: shown where it is shown now (or in the group it waits in). */
  private static final String STATUS_CHANGE = """
      UPDATE notifications SET status = $3, title = $4, body = $5, severity = $6, source = $7, status_since = $8,
        last_seen_at = $8, version = version + 1, failed = false, attempts = 0,
        due_at = CASE WHEN owed THEN due_at ELSE $9 END, owed = true
      WHERE tenant_id = $1 AND id = $2""";

  /** The same status after the window: a new message, in the channel named now. */
  private static final String RENEW = """
      UPDATE notifications SET platform = $3, workspace = $4, channel = $5, status = $6, title = $7, body = $8,
        severity = $9, source = $10, status_since = $11, last_seen_at = $11, repeats = 0, version = version + 1,
        failed = false, attempts = 0, message_id = NULL,
        due_at = CASE WHEN owed AND message_id IS NULL THEN due_at ELSE $12 END, owed = true
      WHERE tenant_id = $1 AND id = $2""";

  private static final String OTHERS_WAITING = """
      SELECT EXISTS (SELECT 1 FROM notifications WHERE tenant_id = $1 AND platform = $2 AND workspace = $3
        AND channel = $4 AND owed AND message_id IS NULL AND claim IS NULL AND id <> $5)""";

  private final Pool pool;
  private final Notifications settings;
  private final Clock clock;

  public NotificationInbox(Pool pool, Notifications settings, Clock clock) {
    this.pool = pool;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Stores the tenant's notifications (in key order, so two batches never wait on each other's rows
   * in opposite orders) and audits each; answers one receipt per notification, in the given order.
   */
  public Future<List<Receipt>> receive(String tenantId, String actor, List<Notification> notifications) {
    Instant now = clock.instant();
    List<Integer> order = IntStream.range(0, notifications.size()).boxed()
        .sorted(Comparator.comparing(i -> notifications.get(i).key())).toList();
    return pool.withTransaction(tx -> {
      Receipt[] receipts = new Receipt[notifications.size()];
      List<AuditEvent> events = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (int i : order) {
        Notification notification = notifications.get(i);
        chain = chain.compose(v -> receiveOne(tx, tenantId, notification, now).map(receipt -> {
          receipts[i] = receipt;
          events.add(audit(tenantId, actor, notification, receipt));
          return null;
        }));
      }
      return chain.compose(v -> AuditLog.appendAll(tx, events)).map(v -> List.of(receipts));
    });
  }

  /**
   * Queues a notification of the gateway's own in {@code tx}, due after the group wait, neither its
   * receipt nor its delivery audited: an audit anchor's post, audited, would move the very chain it
   * anchors, to be anchored and posted again every round. Answers false, queuing nothing, when the
   * tenant already has a notification with that key.
   */
  public Future<Boolean> queueUnaudited(SqlConnection tx, String tenantId, Notification n) {
    Instant now = clock.instant();
    NotificationTarget target = n.target();
    return tx.preparedQuery(INSERT_UNAUDITED).execute(Tuple.from(Arrays.asList(tenantId, n.key(), target.platform(),
            target.workspace(), target.channel(), n.title(), n.text(), n.severity(), n.status(), n.source(),
            utc(now), utc(now.plus(settings.groupWait())))))
        .map(inserted -> inserted.size() == 1);
  }

  private Future<Receipt> receiveOne(SqlConnection tx, String tenantId, Notification n, Instant now) {
    NotificationTarget target = n.target();
    return tx.preparedQuery(INSERT).execute(Tuple.from(Arrays.asList(tenantId, n.key(), target.platform(),
            target.workspace(), target.channel(), n.title(), n.text(), n.severity(), n.status(), n.source(),
            utc(now), utc(now.plus(settings.groupWait())))))
        .compose(inserted -> inserted.size() == 1
            ? newMessage(tx, tenantId, n, inserted.iterator().next().getLong("id"))
            : known(tx, tenantId, n, now));
  }

  private Future<Receipt> known(SqlConnection tx, String tenantId, Notification n, Instant now) {
    return tx.preparedQuery(LOCK).execute(Tuple.of(tenantId, n.key())).compose(rows -> {
      Row row = rows.iterator().next();
      long id = row.getLong("id");
      boolean sameStatus = row.getString("status").equals(n.status());
      Instant since = row.getOffsetDateTime("status_since").toInstant();
      if (sameStatus && now.isBefore(since.plus(settings.dedupWindow()))) {
        return tx.preparedQuery(REPEAT).execute(Tuple.of(tenantId, id, utc(now)))
            .map(new Receipt(id, n.key(), Receipt.DEDUPLICATED));
      }
      OffsetDateTime due = utc(now.plus(settings.groupWait()));
      if (!sameStatus) {
        return tx.preparedQuery(STATUS_CHANGE).execute(Tuple.from(Arrays.asList(tenantId, id, n.status(), n.title(),
                n.text(), n.severity(), n.source(), utc(now), due)))
            .map(new Receipt(id, n.key(), Receipt.UPDATED));
      }
      NotificationTarget target = n.target();
      return tx.preparedQuery(RENEW).execute(Tuple.from(Arrays.asList(tenantId, id, target.platform(), target.workspace(),
              target.channel(), n.status(), n.title(), n.text(), n.severity(), n.source(), utc(now), due)))
          .compose(v -> newMessage(tx, tenantId, n, id));
    });
  }

  /** {@code posted} when it is the first waiting for its channel, {@code grouped} when others wait already. */
  private Future<Receipt> newMessage(SqlConnection tx, String tenantId, Notification n, long id) {
    NotificationTarget target = n.target();
    return tx.preparedQuery(OTHERS_WAITING)
        .execute(Tuple.of(tenantId, target.platform(), target.workspace(), target.channel(), id))
        .map(rows -> new Receipt(id, n.key(), rows.iterator().next().getBoolean(0) ? Receipt.GROUPED : Receipt.POSTED));
  }

  private static AuditEvent audit(String tenantId, String actor, Notification n, Receipt receipt) {
    JsonObject detail = new JsonObject().put("notificationId", receipt.id()).put("key", n.key())
        .put("outcome", receipt.outcome()).put("status", n.status()).put("severity", n.severity())
        .put("platform", n.target().platform()).put("workspace", n.target().workspace())
        .put("channel", n.target().channel());
    AuditEventType type = Receipt.DEDUPLICATED.equals(receipt.outcome())
        ? AuditEventType.NOTIFICATION_DEDUPLICATED : AuditEventType.NOTIFICATION_RECEIVED;
    return AuditEvent.of(tenantId, type, actor, null, detail);
  }

  static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
