package io.switchboard.tenancy;

import io.switchboard.tenancy.secrets.SecretNames;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.tenancy.secrets.WorkspaceSecrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the signing secret of a tenant's own Slack app lives: in the tenant's {@link SecretStore},
 * under {@code slack-signing-secret.<workspace>}, never in {@code chat_installations} (issue 11). The
 * installation row only says that it is of the tenant's own app ({@code own_app}); the secret is
 * read by the tenant of that row, so a workspace id alone never reaches another tenant's secret.
 */
public final class SlackSigningSecrets {

  private static final Logger LOG = LoggerFactory.getLogger(SlackSigningSecrets.class);

  private static final String PREFIX = "slack-signing-secret.";

  /**
   * The next Slack installation (by id, after $1) whose signing secret an earlier release wrote to the
   * column, locked. A node that starts at the same time waits for a row another node is moving (one
   * store write), then finds it moved (the column is NULL) and takes the next one.
   */
  private static final String LOCK_NEXT_PLAINTEXT = """
      SELECT id, tenant_id, workspace_id, signing_secret FROM chat_installations
      WHERE platform = 'slack' AND signing_secret IS NOT NULL AND id > $1
      ORDER BY id
      LIMIT 1
      FOR UPDATE""";

  private static final String CLEAR_PLAINTEXT =
      "UPDATE chat_installations SET signing_secret = NULL, own_app = true WHERE id = $1";

  /** Where the move is: the last row looked at, and how many secrets were moved. */
  private record Progress(long lastId, int moved) {
  }

  private final WorkspaceSecrets secrets;

  public SlackSigningSecrets(SecretStore store) {
    this.secrets = new WorkspaceSecrets(store, PREFIX);
  }

  /** The secret name that holds the signing secret of {@code workspaceId}'s own Slack app. */
  public static String secretName(String workspaceId) {
    return PREFIX + workspaceId;
  }

  public Future<Optional<String>> find(String tenantId, String workspaceId) {
    return secrets.find(tenantId, workspaceId);
  }

  public Future<Void> store(String tenantId, String workspaceId, String signingSecret) {
    return secrets.store(tenantId, workspaceId, signingSecret);
  }

  public Future<Boolean> delete(String tenantId, String workspaceId) {
    return secrets.delete(tenantId, workspaceId);
  }

  /**
   * Keeps {@code signingSecret} for the workspace while {@code binding} runs; a binding that fails
   * puts back what the tenant had kept before, or deletes it ({@link WorkspaceSecrets#storedWhile}).
   */
  public <T> Future<T> storedWhile(String tenantId, String workspaceId, String signingSecret,
                                   Supplier<Future<T>> binding) {
    return secrets.storedWhile(tenantId, workspaceId, signingSecret, binding);
  }

  /**
   * Removes the signing secret after the workspace went to the shared app (or away); a failure is
   * logged, not raised: the row no longer says own app, so nothing reads what is left.
   */
  public Future<Void> forget(String tenantId, String workspaceId) {
    return delete(tenantId, workspaceId)
        .onFailure(e -> LOG.warn("Deleting the signing secret of Slack workspace {} (tenant {}) failed: {}",
            workspaceId, tenantId, e.toString()))
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  /**
   * Moves every signing secret an earlier release kept in plaintext in {@code chat_installations} into
   * its tenant's store and sets the column to NULL; run at start-up, before the gateway serves. One
   * row at a time, each in its own short transaction that holds the row while its secret is stored:
   * idempotent, and safe when several nodes start at once (each row is moved by one of them; a node
   * finishes only when no row is left to move, so none serves while one is being moved). A node that
   * stops half-way leaves the rows it had not moved as they were (a secret stored but not yet
   * recorded is stored again next time). Fails, keeping the rows moved so far, when the store does not
   * take a secret.
   *
   * @return how many secrets this node moved
   */
  public Future<Integer> moveFromColumn(Pool pool) {
    return moveAfter(pool, new Progress(0, 0)).onSuccess(moved -> {
      if (moved > 0) {
        LOG.info("Moved {} Slack signing secret(s) from chat_installations into the tenants' secret store", moved);
      }
    });
  }

  private Future<Integer> moveAfter(Pool pool, Progress progress) {
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK_NEXT_PLAINTEXT).execute(Tuple.of(progress.lastId()))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture(Optional.<Progress>empty());
              }
              Row row = rows.iterator().next();
              return move(tx, row).map(moved -> Optional.of(
                  new Progress(row.getLong("id"), progress.moved() + (moved ? 1 : 0))));
            }))
        .compose(next -> next.isEmpty() ? Future.succeededFuture(progress.moved()) : moveAfter(pool, next.get()));
  }

  private Future<Boolean> move(SqlConnection tx, Row row) {
    long id = row.getLong("id");
    String tenantId = row.getString("tenant_id");
    String workspaceId = row.getString("workspace_id");
    try {
      SecretNames.checkName(secretName(workspaceId));
    } catch (IllegalArgumentException e) {
      // No request can name such a team (the authenticator refuses its id), so nothing is lost.
      LOG.warn("Slack installation {} (tenant {}) keeps its signing secret in chat_installations: its workspace id "
          + "cannot name a secret ({})", id, tenantId, e.getMessage());
      return Future.succeededFuture(false);
    }
    return store(tenantId, workspaceId, row.getString("signing_secret"))
        .compose(stored -> tx.preparedQuery(CLEAR_PLAINTEXT).execute(Tuple.of(id)))
        .map(true);
  }
}
