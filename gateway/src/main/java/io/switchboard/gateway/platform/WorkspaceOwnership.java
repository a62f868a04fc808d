package io.switchboard.gateway.platform;

import io.switchboard.tenancy.InstallationProof;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.function.Supplier;

/**
 * How a tenant admin proves, in {@code POST /api/v1/installations}, that a workspace of a platform is
 * theirs, and keeps the credentials that came with the proof. A platform without one binds workspaces
 * only through a claim code ({@code verify <code>} run there by its admin) or the operator.
 */
public interface WorkspaceOwnership {

  /**
   * The proof, checked with the platform (never taken on trust), or a failed future with
   * {@code ownership_not_proven} saying what would prove it.
   *
   * @param body the request as validated against the API contract
   */
  Future<InstallationProof> prove(String workspaceId, JsonObject body);

  /**
   * Runs {@code binding} with the credentials of {@code body} kept in the tenant's secret store; a
   * binding that fails puts back what the tenant kept before.
   */
  default <T> Future<T> storedWhile(String tenantId, String workspaceId, JsonObject body, Supplier<Future<T>> binding) {
    return binding.get();
  }

  /**
   * The request body fields this proof takes (its credentials); the admin API refuses a field that the
   * platform of a binding takes neither for its proof nor for its own app ({@link OwnAppCredentials}).
   */
  default Set<String> fields() {
    return Set.of();
  }

  /**
   * Forgets the credentials {@link #storedWhile} kept for a workspace that is no longer the tenant's
   * (disabled, or taken by a proven binding of another tenant).
   */
  default Future<Void> forget(String tenantId, String workspaceId) {
    return Future.succeededFuture();
  }
}
