package io.switchboard.gateway.teams;

import io.switchboard.tenancy.CachedLookup;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.Optional;

/**
 * Finds the Switchboard tenant a Teams (AAD) tenant is installed for: an enabled {@code teams}
 * installation of an active tenant. Answers are cached briefly by Teams tenant id, misses too.
 */
public final class TeamsInstallationDirectory {

  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  private static final String FIND = """
      SELECT i.tenant_id FROM chat_installations i JOIN tenants t ON t.id = i.tenant_id
      WHERE i.platform = 'teams' AND i.workspace_id = $1 AND i.enabled AND t.status = 'active'""";

  private final Pool pool;
  private final CachedLookup<String, Optional<String>> tenants;

  public TeamsInstallationDirectory(Pool pool, Duration ttl) {
    this.pool = pool;
    this.tenants = new CachedLookup<>(ttl);
  }

  /** The Switchboard tenant of the Teams tenant, if installed and enabled. */
  public Future<Optional<String>> tenantOf(String teamsTenantId) {
    return tenants.get(teamsTenantId, this::load);
  }

  private Future<Optional<String>> load(String teamsTenantId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(teamsTenantId)).map(rows -> {
      Optional<String> found = Optional.empty();
      for (Row row : rows) {
        found = Optional.of(row.getString(0));
      }
      return found;
    });
  }

  /** Forgets what is cached for a Teams tenant (see {@code InstallationChanges}). */
  public void evict(String teamsTenantId) {
    tenants.evict(teamsTenantId);
  }

  /** Forgets every cached Teams tenant, e.g. after a Switchboard tenant was suspended. */
  public void evictAll() {
    tenants.evictAll();
  }
}
