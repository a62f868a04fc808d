package io.switchboard.tenancy;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.Optional;

/**
 * Finds which tenant a chat workspace belongs to, and for a Slack workspace of the tenant's own app
 * the signing secret to verify its requests with, from the tenant's secret store
 * ({@link SlackSigningSecrets}). Answers come from PostgreSQL and the store and are cached briefly,
 * misses too, so a flood of requests naming unknown teams reaches neither. A disabled installation
 * or a suspended tenant is not found. A store that cannot be read fails the lookup (nothing is
 * cached): the caller refuses the request rather than verify it with another secret.
 */
public final class InstallationDirectory {

  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

  private static final String FIND_SLACK = """
      SELECT i.tenant_id, i.workspace_id, i.own_app
      FROM chat_installations i JOIN tenants t ON t.id = i.tenant_id
      WHERE i.platform = 'slack' AND i.workspace_id = $1 AND i.enabled AND t.status = 'active'""";

  private final Pool pool;
  private final SlackSigningSecrets signingSecrets;
  private final CachedLookup<String, Optional<SlackInstallation>> slackTeams;

  public InstallationDirectory(Pool pool, SlackSigningSecrets signingSecrets, Duration ttl) {
    this.pool = pool;
    this.signingSecrets = signingSecrets;
    this.slackTeams = new CachedLookup<>(ttl);
  }

  /**
   * The team's installation; fails with the store's {@link io.switchboard.tenancy.secrets.SecretStoreException}
   * when the signing secret of its own app cannot be read.
   */
  public Future<Optional<SlackInstallation>> findSlackTeam(String teamId) {
    return slackTeams.get(teamId, this::load);
  }

  private Future<Optional<SlackInstallation>> load(String teamId) {
    return pool.preparedQuery(FIND_SLACK).execute(Tuple.of(teamId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(Optional.empty());
      }
      Row row = rows.iterator().next();
      String tenantId = row.getString("tenant_id");
      String workspaceId = row.getString("workspace_id");
      if (!row.getBoolean("own_app")) {
        return Future.succeededFuture(Optional.of(SlackInstallation.sharedApp(tenantId, workspaceId)));
      }
      return signingSecrets.find(tenantId, workspaceId)
          .map(secret -> Optional.of(SlackInstallation.ownApp(tenantId, workspaceId, secret)));
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
