package io.switchboard.executor.action;

import io.switchboard.tenancy.secrets.SecretRedactor;
import io.switchboard.tenancy.secrets.SecretStore;
import io.vertx.core.Future;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secrets one job may use: read from its own tenant's store only, and remembered, so that every
 * value handed to the action is redacted from its output, errors and progress before they leave the
 * executor ({@link #redact}).
 */
public final class JobSecrets {

  private final SecretStore store;
  private final String tenantId;
  private final Map<String, String> handedOut = new ConcurrentHashMap<>();

  public JobSecrets(SecretStore store, String tenantId) {
    this.store = store;
    this.tenantId = tenantId;
  }

  /** The secret's value; fails with a message naming the secret (never its value) when it is not set. */
  public Future<String> get(String name) {
    return store.get(tenantId, name).compose(value -> {
      if (value.isEmpty()) {
        return Future.failedFuture(new IllegalStateException(
            "secret '" + name + "' is not set for this tenant (PUT /api/v1/secrets/" + name + ")"));
      }
      handedOut.put(name, value.get());
      return Future.succeededFuture(value.get());
    });
  }

  /** The text with every value handed out so far replaced by {@code [redacted:<name>]}. */
  public String redact(String text) {
    if (text == null || handedOut.isEmpty()) {
      return text;
    }
    return new SecretRedactor(Map.copyOf(handedOut)).redact(text);
  }

  /** Redacts an action's result before it is stored, audited or posted. */
  public ActionResult redact(ActionResult result) {
    return new ActionResult(result.succeeded(), redact(result.output()), redact(result.error()), result.retryable(),
        result.timedOut());
  }
}
