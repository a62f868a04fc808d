package io.switchboard.tenancy;

import io.switchboard.core.db.Rows;
import io.switchboard.core.log.RedactedRecord;
import io.switchboard.core.security.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
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

  private static final String IDENTIFY = """
      SELECT k.id, k.tenant_id, k.label, t.status FROM api_tokens k JOIN tenants t ON t.id = k.tenant_id
      WHERE k.token_hash = $1 AND k.revoked_at IS NULL""";

  private static final String ISSUE = """
      INSERT INTO api_tokens (tenant_id, token_hash, label) VALUES ($1, $2, $3)
      RETURNING id, label, created_at, revoked_at""";

  private static final String LIST = """
      SELECT id, label, created_at, revoked_at FROM api_tokens WHERE tenant_id = $1 ORDER BY id""";

  private static final String FIND = """
      SELECT id, label, created_at, revoked_at FROM api_tokens WHERE tenant_id = $1 AND id = $2""";

  private static final String REVOKE = """
      UPDATE api_tokens SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL
      RETURNING id, label, created_at, revoked_at""";

  private static final String COUNT_ACTIVE =
      "SELECT count(*) AS n FROM api_tokens WHERE tenant_id = $1 AND revoked_at IS NULL";

  /** Who presented a known, unrevoked token: the token's id and label and its tenant's state. */
  public record Holder(long tokenId, String tenantId, String label, boolean tenantActive) {
  }

  /** A token as listed: never the token or its hash. {@code revokedAt} is null while it works. */
  public record TokenInfo(long id, String label, Instant createdAt, Instant revokedAt) {

    static TokenInfo fromRow(Row row) {
      OffsetDateTime revoked = row.getOffsetDateTime("revoked_at");
      return new TokenInfo(row.getLong("id"), row.getString("label"), row.getOffsetDateTime("created_at").toInstant(),
          revoked == null ? null : revoked.toInstant());
    }
  }

  /** A token made now: {@code token} is shown to its owner this once and is not stored. */
  public record IssuedToken(TokenInfo info, String token) {

    @Override
    public String toString() {
      return RedactedRecord.toString(this, "token");
    }
  }

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

  /** The tenant a bearer token belongs to; empty for an unknown or revoked token or a suspended tenant. */
  public static Future<Optional<String>> authenticate(SqlClient client, String token) {
    return identify(client, token).map(holder -> holder.filter(Holder::tenantActive).map(Holder::tenantId));
  }

  /**
   * Who holds this token; empty for an unknown or revoked one. A fresh lookup every time (no cache),
   * so a revocation takes effect on every node at once. A suspended tenant's token is still
   * identified, with {@code tenantActive} false, so the caller can say why it is refused.
   */
  public static Future<Optional<Holder>> identify(SqlClient client, String token) {
    return client.preparedQuery(IDENTIFY).execute(Tuple.of(Secrets.hash(token)))
        .map(rows -> Rows.first(rows, row -> new Holder(row.getLong("id"), row.getString("tenant_id"),
            row.getString("label"), Tenant.ACTIVE.equals(row.getString("status")))));
  }

  /** Makes a new token for the tenant and stores its hash. */
  public static Future<IssuedToken> issue(SqlClient client, String tenantId, String label) {
    String token = generate();
    return client.preparedQuery(ISSUE).execute(Tuple.of(tenantId, Secrets.hash(token), label))
        .map(rows -> new IssuedToken(TokenInfo.fromRow(rows.iterator().next()), token));
  }

  /** The tenant's tokens, revoked ones too, oldest first. */
  public static Future<List<TokenInfo>> list(SqlClient client, String tenantId) {
    return client.preparedQuery(LIST).execute(Tuple.of(tenantId)).map(rows -> {
      List<TokenInfo> tokens = new ArrayList<>();
      rows.forEach(row -> tokens.add(TokenInfo.fromRow(row)));
      return tokens;
    });
  }

  /** The tenant's token with this id; empty if there is none or it is another tenant's. */
  public static Future<Optional<TokenInfo>> find(SqlClient client, String tenantId, long id) {
    return client.preparedQuery(FIND).execute(Tuple.of(tenantId, id))
        .map(rows -> Rows.first(rows, TokenInfo::fromRow));
  }

  /** Revokes the tenant's token; empty if there is no such unrevoked token of this tenant. */
  public static Future<Optional<TokenInfo>> revoke(SqlClient client, String tenantId, long id) {
    return client.preparedQuery(REVOKE).execute(Tuple.of(tenantId, id))
        .map(rows -> Rows.first(rows, TokenInfo::fromRow));
  }
}
