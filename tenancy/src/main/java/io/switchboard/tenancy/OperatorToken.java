package io.switchboard.tenancy;

import io.switchboard.core.security.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.Optional;

/**
 * The operator's token, which creates, lists, suspends and resumes tenants. Configured with
 * {@code SWITCHBOARD_OPERATOR_TOKEN}; where none is configured, the embedded node generates one on
 * first start, stores only its SHA-256 and returns it once so the launcher can print it.
 */
public final class OperatorToken {

  public static final String PREFIX = "sbo_";

  private static final String STORED = "SELECT token_hash FROM operator_tokens WHERE id = 1";

  private static final String STORE = """
      INSERT INTO operator_tokens (id, token_hash) VALUES (1, $1) ON CONFLICT (id) DO NOTHING RETURNING id""";

  private OperatorToken() {
  }

  /**
   * The hash a presented operator token must have: the configured token's, else the stored one's;
   * empty when there is neither (the operator API then refuses every call).
   */
  public static Future<Optional<String>> expectedHash(SqlClient client, Optional<String> configured) {
    if (configured.isPresent()) {
      return Future.succeededFuture(configured.map(Secrets::hash));
    }
    return client.query(STORED).execute()
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("token_hash")));
  }

  /**
   * Generates and stores a token unless one is configured or stored already.
   *
   * @return the token made now, to be shown this once; empty if none was made
   */
  public static Future<Optional<String>> ensure(Pool pool, Optional<String> configured) {
    if (configured.isPresent()) {
      return Future.succeededFuture(Optional.empty());
    }
    String token = Secrets.generate(PREFIX, 24);
    return pool.preparedQuery(STORE).execute(Tuple.of(Secrets.hash(token)))
        .map(rows -> rows.size() == 1 ? Optional.of(token) : Optional.<String>empty());
  }

  /** Whether the presented token has the expected hash, compared in constant time. */
  public static boolean matches(String presented, String expectedHash) {
    return Secrets.constantTimeEquals(Secrets.hash(presented), expectedHash);
  }
}
