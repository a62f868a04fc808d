package io.switchboard.gateway.api;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.tenancy.secrets.SecretStoreException;
import io.switchboard.tenancy.secrets.SecretVersion;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;

/**
 * The tenant's secrets, write-only: {@code PUT /api/v1/secrets/{name}} with {@code {"value": "..."}}
 * stores a new version, {@code GET /api/v1/secrets} lists names and versions, {@code DELETE
 * /api/v1/secrets/{name}} removes one. No call ever answers with a value. Stores and deletions are
 * audited (name and version, never the value) right after the store confirms them: the store may be
 * Vault, so the record cannot share a transaction with the change.
 */
public final class SecretsApi {

  /** A secret value is at most 64 KiB; the JSON around it gets a little room. */
  static final int MAX_BODY_BYTES = 64 * 1024 + 1024;

  private final SecretStore secrets;
  private final Pool pool;

  public SecretsApi(SecretStore secrets, Pool pool) {
    this.secrets = secrets;
    this.pool = pool;
  }

  /** A secret's body limit, ahead of the API's general one; mount before {@link AdminApi}'s steps. */
  public static void mountBodyLimit(Router router) {
    router.put("/api/v1/secrets/:name").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
  }

  public void mount(Router router) {
    router.get("/api/v1/secrets").handler(this::list);
    router.put("/api/v1/secrets/:name").handler(this::put);
    router.delete("/api/v1/secrets/:name").handler(this::delete);
  }

  private void list(RoutingContext ctx) {
    secrets.list(TenantTokenAuth.tenantId(ctx))
        .onSuccess(all -> {
          JsonArray items = new JsonArray();
          all.forEach(version -> items.add(json(version)));
          ctx.json(new JsonObject().put("secrets", items));
        })
        .onFailure(e -> ctx.fail(problem(e)));
  }

  private void put(RoutingContext ctx) {
    String value;
    try {
      JsonObject body = ctx.body().asJsonObject();
      value = body != null && body.getValue("value") instanceof String text ? text : null;
    } catch (DecodeException | ClassCastException e) {
      value = null;
    }
    if (value == null) {
      ctx.fail(new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "send a JSON object {\"value\": \"...\"}"));
      return;
    }
    String tenantId = TenantTokenAuth.tenantId(ctx);
    secrets.put(tenantId, ctx.pathParam("name"), value)
        .compose(version -> audit(ctx, AuditEventType.SECRET_STORED, json(version)).map(version))
        .onSuccess(version -> ctx.json(json(version)))
        .onFailure(e -> ctx.fail(problem(e)));
  }

  private void delete(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    secrets.delete(TenantTokenAuth.tenantId(ctx), name)
        .compose(deleted -> deleted
            ? audit(ctx, AuditEventType.SECRET_DELETED, new JsonObject().put("name", name)).map(true)
            : Future.succeededFuture(false))
        .onSuccess(deleted -> {
          if (deleted) {
            ctx.response().setStatusCode(204).end();
          } else {
            ctx.fail(new SwitchboardException(ErrorCode.NOT_FOUND, "no secret of that name"));
          }
        })
        .onFailure(e -> ctx.fail(problem(e)));
  }

  private Future<Void> audit(RoutingContext ctx, AuditEventType type, JsonObject detail) {
    return pool.withTransaction(tx -> AuditLog.append(tx, AuditEvent.of(TenantTokenAuth.tenantId(ctx), type,
        TenantTokenAuth.actor(ctx), null, detail))).mapEmpty();
  }

  private static JsonObject json(SecretVersion version) {
    return new JsonObject().put("name", version.name()).put("version", version.version())
        .put("updatedAt", version.updatedAt().toString());
  }

  /** Store failures as problems; messages from the store never hold a value or a credential. */
  private static Throwable problem(Throwable e) {
    if (e instanceof IllegalArgumentException) {
      return new SwitchboardException(ErrorCode.MALFORMED_REQUEST, e.getMessage());
    }
    if (e instanceof SecretStoreException store) {
      return switch (store.reason()) {
        case UNKNOWN_TENANT -> new SwitchboardException(ErrorCode.NOT_FOUND, "no such tenant");
        case UNREADABLE -> new SwitchboardException(ErrorCode.SECRET_UNREADABLE, store.getMessage());
        case DENIED, UNAVAILABLE -> new SwitchboardException(ErrorCode.SECRET_STORE_UNAVAILABLE, store.getMessage());
      };
    }
    return e;
  }
}
