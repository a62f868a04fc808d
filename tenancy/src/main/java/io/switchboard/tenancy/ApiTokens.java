package io.switchboard.tenancy;

import io.switchboard.core.security.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.Optional;

/**
 * Tenant admin API tokens. A token is shown once when made; only its SHA-256 is stored, and every
 * authentication is a fresh lookup, so a revoked token stops working at once.
 */
public final class ApiTokens {

  public static final String PREFIX = "sbt_";

  /** Storing a token again is a no-op; a token revoked or held by another tenant is refused. */
  private static final String INSERT = """
      INSERT INTO api_tokens (tenant_id, token_hash, label) VALUES ($1, $2, $3)
      ON CONFLICT (token_hash) DO UPDATE SET label = api_tokens.label
      WHERE api_tokens.tenant_id = EXCLUDED.tenant_id AND api_tokens.revoked_at IS NULL
      RETURNING id""";

  private static final String AUTHENTICATE = """
      SELECT k.tenant_id FROM api_tokens k JOIN tenants t ON t.id = k.tenant_id
      WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND t.status = 'active'""";

  private static final String COUNT_ACTIVE =
      "SELECT count(*) AS n FROM api_tokens WHERE tenant_id = $1 AND revoked_at IS NULL";

  private ApiTokens() {
  }

  /** A new random token; store it with {@link #store} and show it to its owner once. */
  public static String generate() {
    return Secrets.generate(PREFIX, 24);
  }

  /**
   * Stores the token's hash for the tenant. Storing the same token again changes nothing; a token
   * that was revoked, or belongs to another tenant, fails the future and is not stored.
   */
  public static Future<Void> store(SqlClient client, String tenantId, String token, String label) {
    return client.preparedQuery(INSERT).execute(Tuple.of(tenantId, Secrets.hash(token), label))
        .compose(rows -> rows.size() == 1
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(new IllegalStateException("that API token was revoked or is in use elsewhere; choose another")));
  }

  /** How many unrevoked tokens the tenant has. */
  public static Future<Long> countActive(SqlClient client, String tenantId) {
    return client.preparedQuery(COUNT_ACTIVE).execute(Tuple.of(tenantId))
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  /** The tenant a bearer token belongs to; empty for an unknown or revoked token. */
  public static Future<Optional<String>> authenticate(SqlClient client, String token) {
    return client.preparedQuery(AUTHENTICATE).execute(Tuple.of(Secrets.hash(token))).map(rows -> {
      for (Row row : rows) {
        return Optional.of(row.getString("tenant_id"));
      }
      return Optional.empty();
    });
  }
}
