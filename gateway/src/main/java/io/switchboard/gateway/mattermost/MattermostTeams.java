package io.switchboard.gateway.mattermost;

import io.switchboard.tenancy.CachedLookup;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.Optional;

/**
 * Finds which tenant a Mattermost team belongs to ({@code chat_installations}, platform
 * {@code mattermost}); answers, misses too, are cached briefly by team id. A disabled installation or
 * a suspended tenant is not found. This tells only where the team's token is kept: a request is not
 * believed until its token matches ({@link MattermostRequestAuthenticator}).
 */
public final class MattermostTeams {

  private static final String FIND = """
      SELECT i.tenant_id, i.workspace_id
      FROM chat_installations i JOIN tenants t ON t.id = i.tenant_id
      WHERE i.platform = 'mattermost' AND i.workspace_id = $1 AND i.enabled AND t.status = 'active'""";

  private final Pool pool;
  private final CachedLookup<String, Optional<MattermostInstallation>> teams;

  public MattermostTeams(Pool pool, Duration ttl) {
    this.pool = pool;
    this.teams = new CachedLookup<>(ttl);
  }

  public Future<Optional<MattermostInstallation>> find(String teamId) {
    return teams.get(teamId, this::load);
  }

  private Future<Optional<MattermostInstallation>> load(String teamId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(teamId)).map(rows -> {
      Optional<MattermostInstallation> found = Optional.empty();
      for (Row row : rows) {
        found = Optional.of(new MattermostInstallation(row.getString("tenant_id"), row.getString("workspace_id")));
      }
      return found;
    });
  }

  /** Forgets what is cached for a team (see {@code InstallationChanges}). */
  public void evict(String teamId) {
    teams.evict(teamId);
  }

  /** Forgets every cached team, e.g. after a tenant was suspended. */
  public void evictAll() {
    teams.evictAll();
  }
}
