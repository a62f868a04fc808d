package io.switchboard.gateway.api;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.audit.JsonDiff;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.http.Problems;
import io.switchboard.tenancy.policy.InvalidPolicyException;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.switchboard.tenancy.policy.PolicyDocument;
import io.switchboard.tenancy.policy.PolicyStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * The tenant's policy document, whole ({@code /api/v1/policy}) or one section at a time
 * ({@code /api/v1/policy/{section}}). Every answer carries {@code ETag: "<version>"}; a change needs
 * {@code If-Match} with the version it was based on (428 without, 412 when stale), must compile (422
 * listing each problem), and is stored, audited with its before/after diff and announced to every
 * gateway node, in that order, the first three in one transaction.
 */
public final class PolicyApi {

  private final Vertx vertx;
  private final Pool pool;

  public PolicyApi(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  public void mount(Router router) {
    router.get("/api/v1/policy").handler(ctx -> read(ctx, null));
    router.put("/api/v1/policy").handler(ctx -> write(ctx, null));
    router.get("/api/v1/policy/:section").handler(ctx -> read(ctx, section(ctx)));
    router.put("/api/v1/policy/:section").handler(ctx -> write(ctx, section(ctx)));
  }

  private void read(RoutingContext ctx, String section) {
    PolicyStore.load(pool, TenantTokenAuth.tenantId(ctx))
        .onSuccess(stored -> answer(ctx, stored.version(), stored.document(), section))
        .onFailure(ctx::fail);
  }

  private void write(RoutingContext ctx, String section) {
    String tenantId = TenantTokenAuth.tenantId(ctx);
    String ifMatch = ctx.request().getHeader("If-Match");
    if (ifMatch == null) {
      ctx.fail(new SwitchboardException(ErrorCode.PRECONDITION_REQUIRED,
          "send If-Match with the ETag of the policy version your change is based on"));
      return;
    }
    long expected = ETags.version(ifMatch);
    Object value = ContractValidation.validated(ctx).getBody().get();
    pool.withTransaction(tx -> PolicyStore.loadForUpdate(tx, tenantId).compose(current -> {
          if (current.version() != expected) {
            return Future.failedFuture(new SwitchboardException(ErrorCode.PRECONDITION_FAILED,
                "the policy is at version " + current.version() + ", not " + ifMatch + "; read it again and reapply your change"));
          }
          JsonObject next = section == null ? (JsonObject) value : current.document().copy().put(section, value);
          PolicyDocument.compile(next, current.version() + 1);
          JsonObject detail = new JsonObject().put("section", section).put("fromVersion", current.version())
              .put("changes", JsonDiff.between(current.document(), next));
          return PolicyStore.replace(tx, tenantId, expected, next, TenantTokenAuth.actor(ctx))
              .compose(version -> AuditLog.append(tx, AuditEvent.of(tenantId, AuditEventType.POLICY_CHANGED,
                  TenantTokenAuth.actor(ctx), null, detail.put("toVersion", version))).map(version))
              .map(version -> new PolicyStore.StoredPolicy(tenantId, version, next));
        }))
        .onSuccess(stored -> {
          PolicyDirectory.announce(vertx, tenantId, stored.version());
          answer(ctx, stored.version(), stored.document(), section);
        })
        .onFailure(e -> {
          if (e instanceof InvalidPolicyException invalid) {
            Problems.send(ctx, ErrorCode.INVALID_POLICY, "the policy does not compile; nothing was changed",
                new JsonObject().put("problems", new JsonArray(invalid.problems())));
          } else {
            ctx.fail(e);
          }
        });
  }

  private static void answer(RoutingContext ctx, long version, JsonObject document, String section) {
    Object body = section == null ? document : document.getValue(section, emptySection(section));
    ctx.response().putHeader("ETag", ETags.of(version)).putHeader("Content-Type", "application/json")
        .end(body instanceof JsonArray array ? array.encode() : ((JsonObject) body).encode());
  }

  private static Object emptySection(String section) {
    return "rateLimits".equals(section) || "audit".equals(section) ? new JsonObject() : new JsonArray();
  }

  private static String section(RoutingContext ctx) {
    return ContractValidation.path(ctx, "section").getString();
  }
}
