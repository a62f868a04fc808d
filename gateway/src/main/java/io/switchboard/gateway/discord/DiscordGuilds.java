package io.switchboard.gateway.discord;

import io.switchboard.tenancy.CachedLookup;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.Optional;

/**
 * Finds which tenant a Discord guild belongs to ({@code chat_installations}, platform
 * {@code discord}). Answers, misses too, are cached briefly by guild id, the identity that determines
 * the tenant. A disabled installation or a suspended tenant is not found.
 */
public final class DiscordGuilds {

  private static final String FIND = """
      SELECT i.tenant_id, i.workspace_id, i.app_id, i.signing_secret
      FROM chat_installations i JOIN tenants t ON t.id = i.tenant_id
      WHERE i.platform = 'discord' AND i.workspace_id = $1 AND i.enabled AND t.status = 'active'""";

  private final Pool pool;
  private final CachedLookup<String, Optional<DiscordInstallation>> guilds;

  public DiscordGuilds(Pool pool, Duration ttl) {
    this.pool = pool;
    this.guilds = new CachedLookup<>(ttl);
  }

  public Future<Optional<DiscordInstallation>> find(String guildId) {
    return guilds.get(guildId, this::load);
  }

  private Future<Optional<DiscordInstallation>> load(String guildId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(guildId)).map(rows -> {
      Optional<DiscordInstallation> found = Optional.empty();
      for (Row row : rows) {
        found = Optional.of(new DiscordInstallation(row.getString("tenant_id"), row.getString("workspace_id"),
            Optional.ofNullable(row.getString("app_id")), Optional.ofNullable(row.getString("signing_secret"))));
      }
      return found;
    });
  }

  /** Forgets what is cached for a guild (see {@code InstallationChanges}). */
  public void evict(String guildId) {
    guilds.evict(guildId);
  }

  /** Forgets every cached guild, e.g. after a tenant was suspended. */
  public void evictAll() {
    guilds.evictAll();
  }
}
