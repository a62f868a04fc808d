package io.switchboard.tenancy.secrets;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.util.List;

/**
 * The step of a master-key rotation a node takes at start-up while {@value MasterKeyRing#PREVIOUS_VARIABLE}
 * lists earlier keys: every local secret value and every shared key ({@link WrappedKeys}) sealed under
 * an earlier key is sealed again under the current one. Each re-seal is conditional on the row still
 * naming the earlier key, so nodes doing it at once, or a put meanwhile, lose nothing. Once a node
 * started with the new key has done it after the last node with the old key as its current key
 * stopped, nothing is left under the earlier keys and they can be removed (docs/operations.md).
 */
public final class MasterKeyRotation {

  /** What a re-seal did: values and keys moved to the current key, and values it could not open. */
  public record Report(int secretsResealed, List<String> keysResealed, List<String> unreadable) {

    /** One line for the log. */
    public String describe(String currentKeyId) {
      return "re-sealed " + secretsResealed + " secret value(s) and " + (keysResealed.isEmpty() ? "no shared key"
          : "the shared key(s) " + String.join(", ", keysResealed)) + " under master key " + currentKeyId
          + (unreadable.isEmpty() ? "; nothing remains under earlier keys"
              : "; left under keys this node lacks or that do not open: " + String.join(", ", unreadable));
    }
  }

  private MasterKeyRotation() {
  }

  /**
   * Re-seals under the ring's current key; {@code localSecrets} is the local store (none with Vault,
   * which keeps its own encryption).
   */
  public static Future<Report> resealUnderCurrentKey(Pool pool, MasterKeyRing keys, boolean localSecrets) {
    Future<LocalSecretStore.Resealed> secrets = localSecrets
        ? new LocalSecretStore(pool, keys).resealUnderCurrentKey()
        : Future.succeededFuture(new LocalSecretStore.Resealed(0, List.of()));
    return secrets.compose(values -> new WrappedKeys(pool, keys).resealAllUnderCurrentKey()
        .map(wrapped -> new Report(values.resealed(), wrapped, values.unreadable())));
  }
}
