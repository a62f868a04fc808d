package io.switchboard.gateway.api;

import io.switchboard.audit.AuditAnchors;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.http.MediaTypes;
import io.switchboard.core.http.Problems;
import io.switchboard.gateway.platform.OwnAppCredentials;
import io.switchboard.gateway.platform.WorkspaceOwnership;
import io.switchboard.jobs.JobCancellations;
import io.switchboard.tenancy.InstallationChanges;
import io.switchboard.tenancy.OperatorToken;
import io.switchboard.tenancy.secrets.SecretStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The admin REST API under {@code /api/v1}, described by {@link ApiContract}. Every request passes
 * the same steps in this order: body limit (413), {@link ApiGate} (which operation, which token:
 * 401/403), {@link ContractValidation} (400), then the operation's handler, which scopes everything
 * by the caller's tenant.
 */
public final class AdminApi {

  /** The largest body any call takes (a policy document); a secret's limit is smaller. */
  public static final int MAX_BODY_BYTES = 256 * 1024;

  private final Vertx vertx;
  private final Pool pool;
  private final ApiContract contract;
  private final OperatorTokenAuth operatorAuth;
  private final SecretStore secrets;
  private final JobCancellations cancellations;
  private final Map<String, WorkspaceOwnership> ownership;
  private final Map<String, OwnAppCredentials> ownApps;
  private final Optional<AuditAnchors> auditAnchors;

  private AdminApi(Vertx vertx, Pool pool, ApiContract contract, OperatorTokenAuth operatorAuth, SecretStore secrets,
                   JobCancellations cancellations, Map<String, WorkspaceOwnership> ownership,
                   Map<String, OwnAppCredentials> ownApps, Optional<AuditAnchors> auditAnchors) {
    this.vertx = vertx;
    this.pool = pool;
    this.contract = contract;
    this.operatorAuth = operatorAuth;
    this.secrets = secrets;
    this.cancellations = cancellations;
    this.ownership = ownership;
    this.ownApps = ownApps;
    this.auditAnchors = auditAnchors;
  }

  /** Loads the API document and the operator token's hash (configured, or generated and stored earlier). */
  public static Future<AdminApi> load(Vertx vertx, Pool pool, Optional<String> operatorToken, SecretStore secrets,
                                      JobCancellations cancellations, Map<String, WorkspaceOwnership> ownership,
                                      Map<String, OwnAppCredentials> ownApps, Optional<AuditAnchors> auditAnchors) {
    return ApiContract.load(vertx).compose(contract -> OperatorToken.expectedHash(pool, operatorToken)
        .map(hash -> new AdminApi(vertx, pool, contract, new OperatorTokenAuth(pool, hash), secrets, cancellations,
            ownership, ownApps, auditAnchors)));
  }

  public void mount(Router router) {
    router.route("/api/v1/*").handler(AdminApi::jsonBodiesOnly);
    SecretsApi.mountBodyLimit(router);
    router.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.route("/api/v1/*").handler(new ApiGate(contract, new TenantTokenAuth(pool), operatorAuth));
    router.route("/api/v1/*").handler(new ContractValidation(RequestValidator.create(vertx, contract.contract())));
    router.get("/api/v1/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(contract.document()));
    InstallationChanges installationChanges = new InstallationChanges(vertx.eventBus());
    new TenantsApi(pool, installationChanges).mount(router);
    new InstallationsApi(pool, installationChanges, ownership, ownApps).mount(router);
    new WorkspaceClaimsApi(pool).mount(router);
    new PolicyApi(vertx, pool).mount(router);
    new TokensApi(pool).mount(router);
    new JobsApi(pool, cancellations).mount(router);
    new ApprovalsApi(pool).mount(router);
    new SecretsApi(secrets, pool).mount(router);
    new AuditApi(pool).mount(router);
    new AuditVerificationApi(vertx, pool, auditAnchors).mount(router);
    new AuditExportApi(vertx, pool, auditAnchors, Clock.systemUTC()).mount(router);
  }

  /**
   * Refuses a request whose body is declared as anything but JSON before a body handler decodes it:
   * the API takes JSON only, and the form decoder fails on a malformed form body with a 500.
   */
  private static void jsonBodiesOnly(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || MediaTypes.isJson(type)) {
      ctx.next();
      return;
    }
    Problems.send(ctx, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the admin API takes application/json bodies, not " + type);
  }
}
