package io.switchboard.gateway.teams;

import io.switchboard.core.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Bot Framework connector URL of each Teams tenant's installation ({@code teams_service_urls},
 * V27), per Switchboard tenant: remembered from signed activities only (their {@code serviceUrl} is the
 * JWT's {@code serviceurl} claim, checked by {@link TeamsRequestAuthenticator}), never from an API
 * caller, and read to post proactive messages (notifications). A gateway writes a URL only when it
 * differs from the one it last wrote, so messages do not each cost a write.
 */
public final class TeamsServiceUrls {

  private static final String REMEMBER = """
      INSERT INTO teams_service_urls (tenant_id, workspace, service_url) VALUES ($1, $2, $3)
      ON CONFLICT (tenant_id, workspace) DO UPDATE SET service_url = EXCLUDED.service_url, seen_at = now()
        WHERE teams_service_urls.service_url IS DISTINCT FROM EXCLUDED.service_url""";

  private static final String FIND = "SELECT service_url FROM teams_service_urls WHERE tenant_id = $1 AND workspace = $2";

  private final Pool pool;
  private final Map<String, String> written = new ConcurrentHashMap<>();

  public TeamsServiceUrls(Pool pool) {
    this.pool = pool;
  }

  /** Remembers that Teams tenant {@code teamsTenantId} of {@code tenantId} is served at {@code serviceUrl}. */
  public Future<Void> remember(String tenantId, String teamsTenantId, String serviceUrl) {
    String key = tenantId + '\n' + teamsTenantId;
    if (serviceUrl.equals(written.get(key))) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(REMEMBER).execute(Tuple.of(tenantId, teamsTenantId, serviceUrl))
        .onSuccess(rows -> written.put(key, serviceUrl))
        .mapEmpty();
  }

  /** The connector URL of the tenant's Teams tenant, if a signed activity from it named one. */
  public Future<Optional<String>> find(String tenantId, String teamsTenantId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(tenantId, teamsTenantId))
        .map(rows -> Rows.first(rows, row -> row.getString("service_url")));
  }
}
