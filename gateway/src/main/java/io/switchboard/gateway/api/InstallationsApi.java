package io.switchboard.gateway.api;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.OutrankedBindings;
import io.switchboard.gateway.platform.WorkspaceOwnership;
import io.switchboard.tenancy.InstallationChanges;
import io.switchboard.tenancy.InstallationProof;
import io.switchboard.tenancy.Installations;
import io.switchboard.tenancy.SlackSigningSecrets;
import io.switchboard.tenancy.Tenants;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

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


  private final SlackSigningSecrets slackSigningSecrets;

  /** @param ownership how a tenant admin proves a workspace of each platform that has a proof */
  public InstallationsApi(Pool pool, InstallationChanges changes, Map<String, WorkspaceOwnership> ownership,
                          SlackSigningSecrets slackSigningSecrets) {
    this.pool = pool;
    this.changes = changes;
    this.ownership = Map.copyOf(ownership);
    this.slackSigningSecrets = slackSigningSecrets;
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
    String key = ownAppKey(platform, body);
    Optional<WorkspaceOwnership> proof = Optional.ofNullable(ownership.get(platform));
    if (body.containsKey("botToken") && !"slack".equals(platform) && proof.isEmpty()) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "botToken is not taken for " + platform);
    }
    ownership.forEach((other, owner) -> owner.fields().stream()
        .filter(field -> body.containsKey(field) && !other.equals(platform)).findFirst().ifPresent(field -> {
          throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, field + " is for " + other + " only");
        }));
    Future<InstallationProof> proven = "sandbox".equals(platform)
        ? Future.succeededFuture(InstallationProof.SANDBOX)
        : proof.map(owner -> owner.prove(workspace, body)).orElseGet(() -> Future.failedFuture(
            new SwitchboardException(ErrorCode.OWNERSHIP_NOT_PROVEN, platform
                + " workspaces are not bound by their id alone: ask for a claim code (POST /api/v1/installations/claims) "
                + "and have an admin of " + platform + " " + workspace + " run `verify <code>` there")));
    proven.compose(proofGiven -> {
          Supplier<Future<Installations.Installation>> binding = () -> bind(tenantId, platform, workspace, key,
              body.getString("applicationId"), proofGiven, TenantTokenAuth.actor(ctx));
          Supplier<Future<Installations.Installation>> withSecret = "slack".equals(platform)
              ? () -> slackSigningSecrets.storedWhile(tenantId, workspace, key, binding)
              : binding;
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
    String key = ownAppKey(platform, body);
    String workspace = body.getString("workspaceId");
    Supplier<Future<Installations.Installation>> binding = () -> bind(tenantId, platform, workspace, key,
        body.getString("applicationId"), InstallationProof.OPERATOR, OperatorTokenAuth.ACTOR);
    Tenants.find(pool, tenantId)
        .compose(tenant -> AuditedChange.orFail(tenant, ErrorCode.NOT_FOUND, "no tenant '" + tenantId + "'"))
        .compose(tenant -> !"slack".equals(platform) ? binding.get()
            : key != null ? slackSigningSecrets.storedWhile(tenantId, workspace, key, binding)
            : binding.get().compose(added -> slackSigningSecrets.forget(tenantId, workspace).map(added)))
        .onSuccess(added -> answerBound(ctx, added))
        .onFailure(ctx::fail);
  }

  /**
   * Writes the binding. {@code key} is the own app's: a Slack signing secret, which the caller keeps
   * in the tenant's secret store and which only marks the row as own app here; or a Discord public key,
   * which the row holds. A Slack workspace taken from a tenant that only claimed it leaves that
   * tenant's store without its signing secret.
   */
  private Future<Installations.Installation> bind(String tenantId, String platform, String workspace, String key,
                                                  String applicationId, InstallationProof proof, String actor) {
    boolean slack = "slack".equals(platform);
    AtomicReference<Optional<Installations.Displaced>> taken = new AtomicReference<>(Optional.empty());
    return AuditedChange.run(pool,
        tx -> OutrankedBindings.displace(tx, platform, workspace, tenantId, proof)
            .compose(displaced -> {
              taken.set(displaced);
              return Installations.add(tx, tenantId, platform, workspace, key != null, slack ? null : key,
                  applicationId, proof);
            })
            .compose(added -> AuditedChange.orFail(added, ErrorCode.CONFLICT,
                platform + " workspace " + workspace + " is bound already")),
        added -> AuditEvent.of(tenantId, AuditEventType.INSTALLATION_ADDED, actor, null, detail(added)))
        .compose(added -> slack && taken.get().isPresent()
            ? slackSigningSecrets.forget(taken.get().get().tenantId(), workspace).map(added)
            : Future.succeededFuture(added))
        .compose(added -> taken.get().isPresent() && ownership.containsKey(platform)
            ? ownership.get(platform).forget(taken.get().get().tenantId(), workspace).map(added)
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
        .compose(disabled -> "slack".equals(disabled.platform()) && disabled.ownApp()
            ? slackSigningSecrets.forget(tenantId, disabled.workspaceId()).map(disabled)
            : Future.succeededFuture(disabled))
        .compose(disabled -> ownership.containsKey(disabled.platform())
            ? ownership.get(disabled.platform()).forget(tenantId, disabled.workspaceId()).map(disabled)
            : Future.succeededFuture(disabled))
        .onSuccess(disabled -> {
          changes.installationChanged(disabled.platform(), disabled.workspaceId());
          ctx.json(disabled.toJson());
        })
        .onFailure(ctx::fail);
  }

  /**
   * What the tenant's own app is verified with: a Slack signing secret (kept in the tenant's secret
   * store), or a Discord application's public key (given with its application id); the other
   * platforms' fields are refused.
   */
  private static String ownAppKey(String platform, JsonObject body) {
    boolean discord = "discord".equals(platform);
    if (discord && body.containsKey("signingSecret")) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST,
          "a Discord installation takes applicationId and publicKey, not signingSecret");
    }
    if (!"slack".equals(platform) && !discord && body.containsKey("signingSecret")) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "signingSecret is for Slack only");
    }
    if (!discord && (body.containsKey("applicationId") || body.containsKey("publicKey"))) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "applicationId and publicKey are for Discord only");
    }
    if (body.containsKey("applicationId") != body.containsKey("publicKey")) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "applicationId and publicKey go together");
    }
    return discord ? body.getString("publicKey") : body.getString("signingSecret");
  }

  private static JsonObject detail(Installations.Installation installation) {
    return new JsonObject().put("installationId", installation.id()).put("platform", installation.platform())
        .put("workspaceId", installation.workspaceId()).put("ownApp", installation.ownApp())
        .put("verifiedVia", installation.verifiedVia().orElse(Installations.UNPROVEN));
  }
}
