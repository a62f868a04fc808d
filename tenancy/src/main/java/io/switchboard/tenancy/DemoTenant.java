package io.switchboard.tenancy;

import io.switchboard.core.log.RedactedRecord;
import io.switchboard.core.security.Secrets;
import io.switchboard.tenancy.secrets.SecretStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The tenant a new user gets to try Switchboard with: tenant {@code demo}, bound to Slack team
 * {@code T0DEMO} as a bring-your-own-app installation. A signing secret or admin token given in the
 * environment is used (and stored: the signing secret in the tenant's secret store, the token as its
 * hash); where one is missing on first start it is generated, stored and returned once so the
 * launcher can print it. Later starts keep what is stored.
 */
public final class DemoTenant {

  public static final String TENANT_ID = "demo";
  public static final String SLACK_TEAM_ID = "T0DEMO";

  /**
   * Serialises concurrent start-ups of several nodes on the demo tenant's row. NO KEY UPDATE, not
   * UPDATE: the secret store's first write of a name (on another connection, while this lock is held)
   * checks the tenant's key with a KEY SHARE lock, which FOR UPDATE would block until this transaction
   * ends, and this transaction waits for that write.
   */
  private static final String LOCK_TENANT = "SELECT id FROM tenants WHERE id = $1 FOR NO KEY UPDATE";

  /**
   * What the start-up should tell the user.
   *
   * @param signingSecret the signing secret in force
   * @param generatedAdminToken the admin token made now, shown this once; empty if none was made
   */
  public record Credentials(String signingSecret, boolean signingSecretGenerated, Optional<String> generatedAdminToken) {

    @Override
    public String toString() {
      return RedactedRecord.toString(this, "signingSecret", "generatedAdminToken");
    }
  }

  private DemoTenant() {
  }

  /**
   * Creates the demo tenant if needed and binds its Slack team with its own app, whose signing secret
   * is kept in the tenant's secret store ({@link SlackSigningSecrets}). The tenant is created and
   * committed first: the store's rows refer to it, and it must exist for them outside this transaction.
   */
  public static Future<Credentials> ensure(Pool pool, SecretStore secrets, Optional<String> signingSecret,
                                           Optional<String> adminToken) {
    SlackSigningSecrets signingSecrets = new SlackSigningSecrets(secrets);
    return Tenants.createIfAbsent(pool, TENANT_ID, "Demo organisation").compose(created -> pool.withTransaction(tx ->
        tx.preparedQuery(LOCK_TENANT).execute(Tuple.of(TENANT_ID))
            .compose(locked -> signingSecrets.find(TENANT_ID, SLACK_TEAM_ID))
            .compose(stored -> {
              boolean generate = signingSecret.isEmpty() && stored.isEmpty();
              String secret = signingSecret.or(() -> stored).orElseGet(() -> Secrets.generate("", 16));
              Supplier<Future<Optional<String>>> binding = () ->
                  Tenants.bindSlackTeam(tx, TENANT_ID, SLACK_TEAM_ID, true).compose(v -> adminToken(tx, adminToken));
              Future<Optional<String>> bound = stored.equals(Optional.of(secret))
                  ? binding.get()
                  : signingSecrets.storedWhile(TENANT_ID, SLACK_TEAM_ID, secret, binding);
              return bound.map(token -> new Credentials(secret, generate, token));
            })));
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
