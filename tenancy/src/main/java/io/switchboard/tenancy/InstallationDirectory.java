package io.switchboard.tenancy;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.Optional;

/**
 * Finds which tenant a chat workspace belongs to. Answers come from PostgreSQL and are cached
 * briefly, misses too, so a flood of requests naming unknown teams does not reach the database.
 * A disabled installation or a suspended tenant is not found.
 */
public final class InstallationDirectory {

  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  private static final String FIND_SLACK = """
      SELECT i.tenant_id, i.workspace_id, i.signing_secret
      FROM chat_installations i JOIN tenants t ON t.id = i.tenant_id
      WHERE i.platform = 'slack' AND i.workspace_id = $1 AND i.enabled AND t.status = 'active'""";

  private final Pool pool;
  private final CachedLookup<String, Optional<SlackInstallation>> slackTeams;

  public InstallationDirectory(Pool pool, Duration ttl) {
    this.pool = pool;
    this.slackTeams = new CachedLookup<>(ttl);
  }

  public Future<Optional<SlackInstallation>> findSlackTeam(String teamId) {
    return slackTeams.get(teamId, this::load);
  }

  private Future<Optional<SlackInstallation>> load(String teamId) {
    return pool.preparedQuery(FIND_SLACK).execute(Tuple.of(teamId)).map(rows -> {
      Optional<SlackInstallation> found = Optional.empty();
      for (Row row : rows) {
        found = Optional.of(new SlackInstallation(
            row.getString("tenant_id"), row.getString("workspace_id"),
            Optional.ofNullable(row.getString("signing_secret"))));
      }
      return found;
    });
  }

  /** Forgets what is cached for a team (see {@link InstallationChanges}). */
  public void evictSlackTeam(String teamId) {
    slackTeams.evict(teamId);
  }

  /** Forgets every cached team, e.g. after a tenant was suspended. */
  public void evictAll() {
    slackTeams.evictAll();
  }
}
