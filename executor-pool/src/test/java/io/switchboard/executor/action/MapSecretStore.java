package io.switchboard.executor.action;

import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.tenancy.secrets.SecretStoreException;
import io.switchboard.tenancy.secrets.SecretVersion;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Tenant secrets in a map, for tests that need no database: reads and deletes only, or a store that is down. */
public final class MapSecretStore implements SecretStore {

  private final Map<String, String> values = new ConcurrentHashMap<>();
  private volatile boolean unavailable;

  public MapSecretStore set(String tenant, String name, String value) {
    values.put(tenant + "/" + name, value);
    return this;
  }

  /** From now on every read fails as a store that cannot be reached does. */
  public MapSecretStore unavailable() {
    unavailable = true;
    return this;
  }

  @Override
  public Future<Optional<String>> get(String tenantId, String name) {
    if (unavailable) {
      return Future.failedFuture(new SecretStoreException(SecretStoreException.Reason.UNAVAILABLE,
          "the secret store did not answer"));
    }
    return Future.succeededFuture(Optional.ofNullable(values.get(tenantId + "/" + name)));
  }

  @Override
  public Future<SecretVersion> put(String tenantId, String name, String value) {
    throw new UnsupportedOperationException("tests set secrets with set()");
  }

  @Override
  public Future<List<SecretVersion>> list(String tenantId) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Future<Boolean> delete(String tenantId, String name) {
    return Future.succeededFuture(values.remove(tenantId + "/" + name) != null);
  }
}
