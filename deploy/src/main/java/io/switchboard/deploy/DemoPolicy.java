package io.switchboard.deploy;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditEventType;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.tenancy.DemoTenant;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.switchboard.tenancy.policy.PolicyDocument;
import io.switchboard.tenancy.policy.PolicyStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The policy the demo tenant starts with, so a newcomer in the sandbox has something to run: a
 * catalog of {@code simulated} commands (deploy, restart, scale, a smoke test that fails, a slow
 * backup to cancel), roles for the demo users {@code alice} (developer: staging), {@code bob}
 * (approver) and {@code carol} (deployer), and one approval for production changes. It is the
 * resource {@code demo-policy.json} beside this class, compiled like any policy.
 *
 * <p>It is written only while the demo tenant has never had a policy (version 0), through the same
 * store, compilation and audit as {@code PUT /api/v1/policy}: whatever an operator wrote later, an
 * empty document included, is kept.
 */
final class DemoPolicy {

  static final String RESOURCE = "demo-policy.json";
  static final String ACTOR = "switchboard (demo policy)";

  private DemoPolicy() {
  }

  /** The document, as shipped. */
  static JsonObject document() {
    try (InputStream in = DemoPolicy.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCE, e);
    }
  }

  /**
   * Gives the demo tenant the demo policy unless it has had one; audited as {@code policy.changed}
   * and announced to every gateway.
   *
   * @return the version written, or empty when the tenant's own policy was kept
   */
  static Future<Optional<Long>> ensure(Vertx vertx, Pool pool) {
    JsonObject document = document();
    PolicyDocument.compile(document, 1);
    String tenant = DemoTenant.TENANT_ID;
    return pool.withTransaction(tx -> PolicyStore.loadForUpdate(tx, tenant).compose(current -> {
          if (current.version() != 0) {
            return Future.succeededFuture(Optional.<Long>empty());
          }
          JsonObject detail = new JsonObject().put("fromVersion", 0).put("source", RESOURCE);
          return PolicyStore.replace(tx, tenant, 0, document, ACTOR)
              .compose(version -> AuditLog.append(tx, AuditEvent.of(tenant, AuditEventType.POLICY_CHANGED, ACTOR,
                  null, detail.put("toVersion", version))).map(Optional.of(version)));
        }))
        // Another node starting at the same moment wrote it first: theirs is the same document.
        .recover(e -> e instanceof SwitchboardException refused && refused.code() == ErrorCode.PRECONDITION_FAILED
            ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(e))
        .onSuccess(written -> written.ifPresent(version -> PolicyDirectory.announce(vertx, tenant, version)));
  }
}
