package io.switchboard.tenancy;

import io.switchboard.core.security.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.Optional;

/**
 * The tenant a new user gets to try Switchboard with: tenant {@code demo}, bound to Slack team
 * {@code T0DEMO} as a bring-your-own-app installation. A signing secret or admin token given in the
 * environment is used (and stored); where one is missing on first start it is generated, stored and
 * returned once so the launcher can print it. Later starts keep what is stored.
 */
public final class DemoTenant {

  public static final String TENANT_ID = "demo";
  public static final String SLACK_TEAM_ID = "T0DEMO";

  /** Serialises concurrent start-ups of several nodes on the demo tenant's row. */
  private static final String LOCK_TENANT = "SELECT id FROM tenants WHERE id = $1 FOR UPDATE";

  private static final String STORED_SECRET = """
      SELECT signing_secret FROM chat_installations WHERE platform = 'slack' AND workspace_id = $1""";

  /**
   * What the start-up should tell the user.
   *
   * @param signingSecret the signing secret in force
   * @param generatedAdminToken the admin token made now, shown this once; empty if none was made
   */
  public record Credentials(String signingSecret, boolean signingSecretGenerated, Optional<String> generatedAdminToken) {
  }

  private DemoTenant() {
  }

  public static Future<Credentials> ensure(Pool pool, Optional<String> signingSecret, Optional<String> adminToken) {
    return pool.withTransaction(tx -> Tenants.createIfAbsent(tx, TENANT_ID, "Demo organisation")
        .compose(created -> tx.preparedQuery(LOCK_TENANT).execute(Tuple.of(TENANT_ID)))
        .compose(locked -> tx.preparedQuery(STORED_SECRET).execute(Tuple.of(SLACK_TEAM_ID)))
        .compose(rows -> {
          Optional<String> stored = rows.size() == 0
              ? Optional.empty()
              : Optional.ofNullable(rows.iterator().next().getString("signing_secret"));
          boolean generate = signingSecret.isEmpty() && stored.isEmpty();
          String secret = signingSecret.or(() -> stored).orElseGet(() -> Secrets.generate("", 16));
          return Tenants.bindSlackTeam(tx, TENANT_ID, SLACK_TEAM_ID, secret)
              .compose(v -> adminToken(tx, adminToken))
              .map(token -> new Credentials(secret, generate, token));
        }));
  }

  /** Installs the sandbox web chat (platform {@code sandbox}, workspace {@code workspaceId}) for the demo tenant. */
  public static Future<Void> installSandbox(Pool pool, String workspaceId) {
    return Installations.add(pool, TENANT_ID, "sandbox", workspaceId, null, null, InstallationProof.SANDBOX).mapEmpty();
  }

  private static Future<Optional<String>> adminToken(SqlConnection tx, Optional<String> given) {
    if (given.isPresent()) {
      return ApiTokens.store(tx, TENANT_ID, given.get(), "from SWITCHBOARD_DEMO_ADMIN_TOKEN").map(Optional.empty());
    }
    return ApiTokens.countActive(tx, TENANT_ID).compose(count -> {
      if (count > 0) {
        return Future.succeededFuture(Optional.<String>empty());
      }
      String token = ApiTokens.generate();
      return ApiTokens.store(tx, TENANT_ID, token, "generated on first start").map(Optional.of(token));
    });
  }
}
