package io.switchboard.executor.action;

import io.switchboard.tenancy.secrets.SecretRedactor;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.tenancy.secrets.SecretStoreException;
import io.vertx.core.Future;

import java.util.LinkedHashMap;
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

  /**
   * The values of several secrets by key (the variable each one goes into, say), read one after the
   * other. Fails at the first that cannot be read with an {@link Unreadable} naming its key.
   */
  public Future<Map<String, String>> getAll(Map<String, String> secretNamesByKey) {
    Map<String, String> values = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, String> entry : secretNamesByKey.entrySet()) {
      chain = chain.compose(v -> get(entry.getValue())
          .recover(e -> Future.failedFuture(new Unreadable(entry.getKey(), entry.getValue(), e)))
          .map(value -> {
            values.put(entry.getKey(), value);
            return null;
          }));
    }
    return chain.map(v -> values);
  }

  /**
   * A secret of {@link #getAll} could not be read: it is not set or its name is bad (the message
   * says which; the user can fix it), or the store failed ({@link #storeFailed()}: a retry may cure it).
   */
  public static final class Unreadable extends Exception {
    private final String key;
    private final String secret;
    private final boolean storeFailed;

    Unreadable(String key, String secret, Throwable cause) {
      super(cause.getMessage(), cause, false, false);
      this.key = key;
      this.secret = secret;
      this.storeFailed = !(cause instanceof IllegalStateException || cause instanceof IllegalArgumentException
          || cause instanceof SecretStoreException store && store.reason() != SecretStoreException.Reason.UNAVAILABLE);
    }

    public String key() {
      return key;
    }

    public String secret() {
      return secret;
    }

    public boolean storeFailed() {
      return storeFailed;
    }
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
