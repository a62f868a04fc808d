package io.switchboard.gateway.api;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.OutrankedBindings;
import io.switchboard.gateway.platform.OwnAppCredentials;
import io.switchboard.gateway.platform.OwnAppCredentials.OwnApp;
import io.switchboard.gateway.platform.WorkspaceOwnership;
import io.switchboard.tenancy.InstallationChanges;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.tenancy.Tenants;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The tenant's chat installations: list, add, disable; and the operator's binding of a workspace to a
 * tenant. A workspace is bound only with proof that it is the tenant's (issue 11: naming someone
 * else's workspace id let a tenant take its installs and bot token):
 * <ul>
 *   <li>a tenant admin binds a Slack workspace with the tenant's own app by giving the app's bot token,
 *       which Slack's {@code auth.test} must name for the workspace (each platform's
 *       {@link WorkspaceOwnership}, Slack's {@code SlackOwnAppProof}); the
 *       shared Slack app is installed through an install link (OAuth), never by a bare id;</li>
 *   <li>the sandbox web chat has no outside owner and is bound as asked;</li>
 *   <li>a Teams tenant or Discord guild is bound by its own admin running a tenant admin's claim code
 *       there ({@link WorkspaceClaimsApi}); a Teams tenant also proves itself by adding the bot
 *       ({@code TeamsInstallations}, into a new tenant); the operator binds any workspace
 *       ({@code POST /api/v1/tenants/{tenantId}/installations}), having checked ownership out of band.</li>
 * </ul>
 * A proven binding takes the workspace from a tenant that had only claimed it
 * ({@link OutrankedBindings}); a workspace bound with proof is a {@code 409} for anyone else. Changes
 * are audited. Gateways cache installations for
 * {@link io.switchboard.tenancy.InstallationDirectory#DEFAULT_TTL}, and every change is announced
 * ({@link InstallationChanges}) so they forget it at once.
 */
public final class InstallationsApi {

  private final Pool pool;

  private final InstallationChanges changes;

  private final Map<String, WorkspaceOwnership> ownership;


  /** The fields of every binding; any other is a platform's own app's or proof's. */
  private static final Set<String> BINDING_FIELDS = Set.of("platform", "workspaceId");

  private final Map<String, OwnAppCredentials> ownApps;

  /**
   * @param ownership how a tenant admin proves a workspace of each platform that has a proof
   * @param ownApps   what names a tenant's own app, for each platform that has own apps
   */
  public InstallationsApi(Pool pool, InstallationChanges changes, Map<String, WorkspaceOwnership> ownership,
                          Map<String, OwnAppCredentials> ownApps) {
    this.pool = pool;
    this.changes = changes;
    this.ownership = Map.copyOf(ownership);
    this.ownApps = Map.copyOf(ownApps);
  }

  public void mount(Router router) {
    router.get("/api/v1/installations").handler(this::list);
    router.post("/api/v1/installations").handler(this::add);
    router.delete("/api/v1/installations/:installationId").handler(this::disable);
    router.post("/api/v1/tenants/:tenantId/installations").handler(this::bindAsOperator);
  }

  private void list(RoutingContext ctx) {
    Installations.list(pool, TenantTokenAuth.tenantId(ctx))
        .onSuccess(all -> {
          JsonArray items = new JsonArray();
          all.forEach(installation -> items.add(installation.toJson()));
          ctx.json(new JsonObject().put("installations", items));
        })
        .onFailure(ctx::fail);
  }

  /** A tenant admin's binding: proven first, or refused with what would prove it. */
  private void add(RoutingContext ctx) {
    String tenantId = TenantTokenAuth.tenantId(ctx);
    JsonObject body = ContractValidation.validated(ctx).getBody().getJsonObject();
    String platform = body.getString("platform");
    String workspace = body.getString("workspaceId");
    OwnApp ownApp = ownApp(platform, body);
    Optional<WorkspaceOwnership> proof = Optional.ofNullable(ownership.get(platform));
    Future<InstallationProof> proven = "sandbox".equals(platform)
        ? Future.succeededFuture(InstallationProof.SANDBOX)
        : proof.map(owner -> owner.prove(workspace, body)).orElseGet(() -> Future.failedFuture(
            new SwitchboardException(ErrorCode.OWNERSHIP_NOT_PROVEN, platform
                + " workspaces are not bound by their id alone: ask for a claim code (POST /api/v1/installations/claims) "
                + "and have an admin of " + platform + " " + workspace + " run `verify <code>` there")));
    proven.compose(proofGiven -> {
          Supplier<Future<Installations.Installation>> binding = () -> bind(tenantId, platform, workspace, ownApp,
              proofGiven, TenantTokenAuth.actor(ctx));
          Supplier<Future<Installations.Installation>> withSecret = () -> keptWhile(tenantId, platform, workspace,
              body, binding);
          return proof.map(owner -> owner.storedWhile(tenantId, workspace, body, withSecret))
              .orElseGet(withSecret);
        })
        .onSuccess(added -> answerBound(ctx, added))
        .onFailure(ctx::fail);
  }

  /**
   * The operator's binding, for any platform: the operator has checked ownership out of band. Takes
   * the workspace from a tenant that only claimed it; 404 for a tenant that does not exist.
   */
  private void bindAsOperator(RoutingContext ctx) {
    String tenantId = ContractValidation.path(ctx, "tenantId").getString();
    JsonObject body = ContractValidation.validated(ctx).getBody().getJsonObject();
    String platform = body.getString("platform");
    OwnApp ownApp = ownApp(platform, body);
    String workspace = body.getString("workspaceId");
    Supplier<Future<Installations.Installation>> binding = () -> bind(tenantId, platform, workspace, ownApp,
        InstallationProof.OPERATOR, OperatorTokenAuth.ACTOR);
    Tenants.find(pool, tenantId)
        .compose(tenant -> AuditedChange.orFail(tenant, ErrorCode.NOT_FOUND, "no tenant '" + tenantId + "'"))
        .compose(tenant -> keptWhile(tenantId, platform, workspace, body, binding))
        .onSuccess(added -> answerBound(ctx, added))
        .onFailure(ctx::fail);
  }

  /**
   * Writes the binding, with what the row keeps of the own app (its secret, if any, the caller keeps in
   * the tenant's store). A workspace taken from a tenant that only claimed it leaves that tenant
   * without the own app's credentials and the proof's.
   */
  private Future<Installations.Installation> bind(String tenantId, String platform, String workspace, OwnApp ownApp,
                                                  InstallationProof proof, String actor) {
    AtomicReference<Optional<Installations.Displaced>> taken = new AtomicReference<>(Optional.empty());
    return AuditedChange.run(pool,
        tx -> OutrankedBindings.displace(tx, platform, workspace, tenantId, proof)
            .compose(displaced -> {
              taken.set(displaced);
              return Installations.add(tx, tenantId, platform, workspace, ownApp.named(),
                  ownApp.rowKey().orElse(null), ownApp.applicationId().orElse(null), proof);
            })
            .compose(added -> AuditedChange.orFail(added, ErrorCode.CONFLICT,
                platform + " workspace " + workspace + " is bound already")),
        added -> AuditEvent.of(tenantId, AuditEventType.INSTALLATION_ADDED, actor, null, detail(added)))
        .compose(added -> taken.get().isPresent()
            ? forget(taken.get().get().tenantId(), platform, workspace).map(added)
            : Future.succeededFuture(added));
  }

  private void answerBound(RoutingContext ctx, Installations.Installation added) {
    changes.installationChanged(added.platform(), added.workspaceId());
    ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(added.toJson().encode());
  }

  private void disable(RoutingContext ctx) {
    String tenantId = TenantTokenAuth.tenantId(ctx);
    long id = ContractValidation.path(ctx, "installationId").getLong();
    AuditedChange.run(pool,
            tx -> Installations.disable(tx, tenantId, id)
                .compose(found -> AuditedChange.orFail(found, ErrorCode.NOT_FOUND, "no installation " + id)),
            disabled -> AuditEvent.of(tenantId, AuditEventType.INSTALLATION_DISABLED, TenantTokenAuth.actor(ctx), null,
                detail(disabled)))
        .compose(disabled -> forget(tenantId, disabled.platform(), disabled.workspaceId()).map(disabled))
        .onSuccess(disabled -> {
          changes.installationChanged(disabled.platform(), disabled.workspaceId());
          ctx.json(disabled.toJson());
        })
        .onFailure(ctx::fail);
  }

  /**
   * What {@code body} names of the platform's own app. A field the platform takes neither for its own
   * app nor for its proof is refused (fail closed), saying which platform takes it where one does.
   */
  private OwnApp ownApp(String platform, JsonObject body) {
    body.fieldNames().stream().filter(field -> !BINDING_FIELDS.contains(field) && !takes(platform, field))
        .sorted().findFirst().ifPresent(field -> {
          List<String> takers = Stream.concat(ownApps.keySet().stream(), ownership.keySet().stream()).distinct()
              .filter(other -> takes(other, field)).sorted().toList();
          throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, field + (takers.isEmpty()
              ? " is not taken for " + platform : " is for " + String.join(" and ", takers) + " only"));
        });
    return Optional.ofNullable(ownApps.get(platform)).map(app -> app.read(body)).orElse(OwnApp.SHARED);
  }

  /** Whether {@code platform} takes {@code field} in a binding, for its own app or its proof. */
  private boolean takes(String platform, String field) {
    return Optional.ofNullable(ownApps.get(platform)).map(app -> app.fields().contains(field)).orElse(false)
        || Optional.ofNullable(ownership.get(platform)).map(owner -> owner.fields().contains(field)).orElse(false);
  }

  /** Runs {@code binding} with the own app's secret of {@code body} kept, on a platform that has own apps. */
  private <T> Future<T> keptWhile(String tenantId, String platform, String workspace, JsonObject body,
                                  Supplier<Future<T>> binding) {
    return Optional.ofNullable(ownApps.get(platform))
        .map(app -> app.keptWhile(tenantId, workspace, body, binding))
        .orElseGet(binding);
  }

  /** Forgets the own app's and the proof's credentials of a workspace that is no longer the tenant's. */
  private Future<Void> forget(String tenantId, String platform, String workspace) {
    Future<Void> ownApp = Optional.ofNullable(ownApps.get(platform))
        .map(app -> app.forget(tenantId, workspace)).orElseGet(Future::succeededFuture);
    return ownApp.compose(v -> Optional.ofNullable(ownership.get(platform))
        .map(owner -> owner.forget(tenantId, workspace)).orElseGet(Future::succeededFuture));
  }

  private static JsonObject detail(Installations.Installation installation) {
    return new JsonObject().put("installationId", installation.id()).put("platform", installation.platform())
        .put("workspaceId", installation.workspaceId()).put("ownApp", installation.ownApp())
        .put("verifiedVia", installation.verifiedVia().orElse(Installations.UNPROVEN));
  }
}
