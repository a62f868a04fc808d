package io.switchboard.tenancy.secrets;

import io.vertx.core.Future;

import java.util.List;
import java.util.Optional;

/**
 * Named secrets of a tenant (API keys, passwords) that actions need at run time.
 *
 * <p>Every operation is scoped by tenant: a tenant can never read, list, overwrite or delete
 * another tenant's secret, even one with the same name. Names and values are checked by
 * {@link SecretNames} before anything is stored or looked up; a bad argument fails the future with
 * an {@link IllegalArgumentException}. Other failures are {@link SecretStoreException}s whose
 * messages never contain a secret value or a credential.
 *
 * <p>Values are only ever returned by {@link #get}; {@link #put} and {@link #list} answer with
 * names and version numbers. Every method is non-blocking and may be called from an event loop.
 */
public interface SecretStore {

  /** The value of the tenant's secret, or empty when the tenant has no secret of that name. */
  Future<Optional<String>> get(String tenantId, String name);

  /**
   * Stores a new version of the tenant's secret (creating it if needed) and answers with its name,
   * version number and time; never with the value. Each put of a name gets a higher version
   * number than the one before.
   */
  Future<SecretVersion> put(String tenantId, String name, String value);

  /** The tenant's secrets, by name, each with its latest version; never their values. */
  Future<List<SecretVersion>> list(String tenantId);

  /** Deletes the tenant's secret with all its versions; true if there was one to delete. */
  Future<Boolean> delete(String tenantId, String name);

  /** Releases what the store holds (timers, threads); the store is not usable afterwards. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
