package io.switchboard.gateway.teams;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
  private static final int MAX_ENTRIES = 50_000;

  private static final String FIND = """
      SELECT i.tenant_id FROM chat_installations i JOIN tenants t ON t.id = i.tenant_id
      WHERE i.platform = 'teams' AND i.workspace_id = $1 AND i.enabled AND t.status = 'active'""";

  private final Pool pool;
  private final Cache<String, Optional<String>> tenants;

  public TeamsInstallationDirectory(Pool pool, Duration ttl) {
    this.pool = pool;
    this.tenants = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(MAX_ENTRIES).build();
  }

  /** The Switchboard tenant of the Teams tenant, if installed and enabled. */
  public Future<Optional<String>> tenantOf(String teamsTenantId) {
    Optional<String> cached = tenants.getIfPresent(teamsTenantId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return pool.preparedQuery(FIND).execute(Tuple.of(teamsTenantId)).map(rows -> {
      Optional<String> found = Optional.empty();
      for (Row row : rows) {
        found = Optional.of(row.getString(0));
      }
      tenants.put(teamsTenantId, found);
      return found;
    });
  }

  /** Forgets what is cached for a Teams tenant after its installation changed on this node. */
  public void evict(String teamsTenantId) {
    tenants.invalidate(teamsTenantId);
  }
}
