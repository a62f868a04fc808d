package io.switchboard.gateway.slack;

import io.switchboard.gateway.platform.OwnAppCredentials;
import io.switchboard.tenancy.SlackSigningSecrets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A tenant's own Slack app is named by its signing secret, which is kept in the tenant's secret store
 * (never in the installation row, which only says {@code own_app}); a binding of the shared app
 * forgets a secret kept for the workspace before.
 */
final class SlackOwnApp implements OwnAppCredentials {

  static final String SIGNING_SECRET = "signingSecret";

  private final SlackSigningSecrets signingSecrets;

  SlackOwnApp(SlackSigningSecrets signingSecrets) {
    this.signingSecrets = signingSecrets;
  }

  @Override
  public Set<String> fields() {
    return Set.of(SIGNING_SECRET);
  }

  @Override
  public OwnApp read(JsonObject body) {
    return body.containsKey(SIGNING_SECRET) ? new OwnApp(true, Optional.empty(), Optional.empty()) : OwnApp.SHARED;
  }

  @Override
  public <T> Future<T> keptWhile(String tenantId, String workspaceId, JsonObject body, Supplier<Future<T>> binding) {
    String secret = body.getString(SIGNING_SECRET);
    return secret != null
        ? signingSecrets.storedWhile(tenantId, workspaceId, secret, binding)
        : binding.get().compose(bound -> signingSecrets.forget(tenantId, workspaceId).map(bound));
  }

  @Override
  public Future<Void> forget(String tenantId, String workspaceId) {
    return signingSecrets.forget(tenantId, workspaceId);
  }
}
