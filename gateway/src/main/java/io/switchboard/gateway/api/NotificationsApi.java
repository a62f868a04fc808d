package io.switchboard.gateway.api;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.notify.AlertmanagerWebhook;
import io.switchboard.gateway.notify.Notification;
import io.switchboard.gateway.notify.NotificationInbox;
import io.switchboard.gateway.notify.NotificationOutbox;
import io.switchboard.gateway.notify.NotificationTarget;
import io.switchboard.gateway.notify.NotificationTargets;
import io.switchboard.gateway.notify.Receipt;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * Notifications from monitoring and incidents: {@code POST /api/v1/notifications} takes one,
 * {@code POST /api/v1/notifications/alertmanager?workspace=&channel=[&platform=]} takes Alertmanager's webhook
 * (one per alert), {@code GET /api/v1/notifications/{id}} shows one. Both posts answer 202 with what
 * became of each notification; the target must be an installation of the caller's tenant.
 */
public final class NotificationsApi {

  /** The Alertmanager route's platform when its query names none (the route predates the others). */
  static final String DEFAULT_PLATFORM = "slack";

  private final NotificationInbox inbox;
  private final NotificationOutbox outbox;
  private final NotificationTargets targets;
  private final GatewayMetrics metrics;

  public NotificationsApi(NotificationInbox inbox, NotificationOutbox outbox, NotificationTargets targets,
                          GatewayMetrics metrics) {
    this.inbox = inbox;
    this.outbox = outbox;
    this.targets = targets;
    this.metrics = metrics;
  }

  public void mount(Router router) {
    router.post("/api/v1/notifications").handler(this::receive);
    router.post("/api/v1/notifications/alertmanager").handler(this::alertmanager);
    router.get("/api/v1/notifications/:notificationId").handler(this::show);
  }

  private void receive(RoutingContext ctx) {
    JsonObject body = ContractValidation.validated(ctx).getBody().getJsonObject();
    JsonObject channel = body.getJsonObject("channel");
    NotificationTarget target = new NotificationTarget(channel.getString("platform"), channel.getString("workspace"),
        channel.getString("channel"));
    Notification notification = new Notification(body.getString("key"), target, body.getString("title"),
        body.getString("text", ""), body.getString("severity", "info"), body.getString("status", Notification.FIRING),
        body.getString("source"));
    take(ctx, target, List.of(notification))
        .onSuccess(receipts -> accepted(ctx, receipts.get(0).toJson()))
        .onFailure(ctx::fail);
  }

  private void alertmanager(RoutingContext ctx) {
    String platform = ContractValidation.queryString(ctx, "platform");
    NotificationTarget target = new NotificationTarget(platform == null ? DEFAULT_PLATFORM : platform,
        ContractValidation.queryString(ctx, "workspace"), ContractValidation.queryString(ctx, "channel"));
    List<Notification> notifications = AlertmanagerWebhook.notifications(
        ContractValidation.validated(ctx).getBody().getJsonObject(), target);
    take(ctx, target, notifications)
        .onSuccess(receipts -> {
          JsonArray items = new JsonArray();
          receipts.forEach(receipt -> items.add(receipt.toJson()));
          accepted(ctx, new JsonObject().put("notifications", items));
        })
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    long id = ContractValidation.path(ctx, "notificationId").getLong();
    outbox.find(TenantTokenAuth.tenantId(ctx), id)
        .compose(found -> AuditedChange.orFail(found, ErrorCode.NOT_FOUND, "no notification " + id))
        .onSuccess(found -> ctx.json(found.toJson()))
        .onFailure(ctx::fail);
  }

  private Future<List<Receipt>> take(RoutingContext ctx, NotificationTarget target, List<Notification> notifications) {
    String tenantId = TenantTokenAuth.tenantId(ctx);
    return targets.check(tenantId, target)
        .compose(v -> inbox.receive(tenantId, TenantTokenAuth.actor(ctx), notifications))
        .onSuccess(receipts -> receipts.forEach(receipt -> {
          metrics.notification(target.platform(), "received", 1);
          if (Receipt.DEDUPLICATED.equals(receipt.outcome())) {
            metrics.notification(target.platform(), "deduplicated", 1);
          }
        }));
  }

  private static void accepted(RoutingContext ctx, JsonObject body) {
    ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
