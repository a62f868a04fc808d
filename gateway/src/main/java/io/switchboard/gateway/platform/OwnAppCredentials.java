package io.switchboard.gateway.platform;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What names a tenant's own app of a platform in a binding of one of its workspaces
 * ({@code POST /api/v1/installations} by a tenant admin, and the operator's binding): which request
 * fields, what of them the installation row holds, and where the rest (a secret) is kept. A platform
 * without its own apps binds only workspaces of the shared app, and its fields are refused.
 */
public interface OwnAppCredentials {

  /** What a binding's body says of the own app: whether it names one, and what the row keeps of it. */
  record OwnApp(boolean named, Optional<String> rowKey, Optional<String> applicationId) {

    /** A binding of the shared app. */
    public static final OwnApp SHARED = new OwnApp(false, Optional.empty(), Optional.empty());
  }

  /** The request body fields that name this platform's own app; the admin API refuses them for another platform. */
  Set<String> fields();

  /**
   * What {@code body} (validated against the API contract) names; fails with {@code malformed_request}
   * when its fields do not go together.
   */
  OwnApp read(JsonObject body);

  /**
   * Runs {@code binding} with the own app's secret of {@code body} kept in the tenant's secret store
   * (a binding that fails puts back what was kept before); a body that names no own app forgets a
   * secret kept for the workspace before, once the binding is made.
   */
  default <T> Future<T> keptWhile(String tenantId, String workspaceId, JsonObject body, Supplier<Future<T>> binding) {
    return binding.get();
  }

  /** Forgets what {@link #keptWhile} kept, for a workspace that is no longer the tenant's own app's. */
  default Future<Void> forget(String tenantId, String workspaceId) {
    return Future.succeededFuture();
  }
}
