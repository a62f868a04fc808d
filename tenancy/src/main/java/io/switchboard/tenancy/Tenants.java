package io.switchboard.tenancy;

import io.switchboard.core.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Creates, lists, suspends and resumes tenants, and binds chat workspaces to them. */
public final class Tenants {

  private static final String CREATE = """
      INSERT INTO tenants (id, name) VALUES ($1, $2)
      ON CONFLICT (id) DO NOTHING
      RETURNING id""";

  private static final String BIND_SLACK = """
      INSERT INTO chat_installations (tenant_id, platform, workspace_id, own_app, verified_via)
      VALUES ($1, 'slack', $2, $3, 'operator')
      ON CONFLICT (platform, workspace_id) DO UPDATE
        SET own_app = EXCLUDED.own_app, signing_secret = NULL, verified_via = EXCLUDED.verified_via
      WHERE chat_installations.tenant_id = EXCLUDED.tenant_id
      RETURNING id""";

  private static final String COLUMNS = "id, name, status, created_at, max_running_jobs";

  private static final String CREATE_NEW =
      "INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING " + COLUMNS;

  private static final String LIST = "SELECT " + COLUMNS + " FROM tenants ORDER BY id";

  private static final String FIND = "SELECT " + COLUMNS + " FROM tenants WHERE id = $1";

  private static final String SET_MAX_RUNNING_JOBS =
      "UPDATE tenants SET max_running_jobs = $2 WHERE id = $1 RETURNING " + COLUMNS;

  private static final String SET_STATUS =
      "UPDATE tenants SET status = $2 WHERE id = $1 RETURNING " + COLUMNS;

  private Tenants() {
  }

  /** Creates the tenant; empty when a tenant with that id exists already. */
  public static Future<Optional<Tenant>> create(SqlClient client, String tenantId, String name) {
    return client.preparedQuery(CREATE_NEW).execute(Tuple.of(tenantId, name))
        .map(rows -> Rows.first(rows, Tenant::fromRow));
  }

  /** Every tenant, by id. For the operator only. */
  public static Future<List<Tenant>> list(SqlClient client) {
    return client.query(LIST).execute().map(rows -> {
      List<Tenant> tenants = new ArrayList<>();
      rows.forEach(row -> tenants.add(Tenant.fromRow(row)));
      return tenants;
    });
  }

  public static Future<Optional<Tenant>> find(SqlClient client, String tenantId) {
    return client.preparedQuery(FIND).execute(Tuple.of(tenantId)).map(rows -> Rows.first(rows, Tenant::fromRow));
  }

  /** Sets how many of the tenant's jobs may run at once; empty if there is no such tenant. */
  public static Future<Optional<Tenant>> setMaxRunningJobs(SqlClient client, String tenantId, int maxRunningJobs) {
    return client.preparedQuery(SET_MAX_RUNNING_JOBS).execute(Tuple.of(tenantId, maxRunningJobs))
        .map(rows -> Rows.first(rows, Tenant::fromRow));
  }

  /** Sets the tenant's status ({@link Tenant#ACTIVE} or {@link Tenant#SUSPENDED}); empty if no such tenant. */
  public static Future<Optional<Tenant>> setStatus(SqlClient client, String tenantId, String status) {
    return client.preparedQuery(SET_STATUS).execute(Tuple.of(tenantId, status))
        .map(rows -> Rows.first(rows, Tenant::fromRow));
  }


  /** Creates the tenant if it does not exist; true when it was created now. */
  public static Future<Boolean> createIfAbsent(SqlClient client, String tenantId, String name) {
    return client.preparedQuery(CREATE).execute(Tuple.of(tenantId, name)).map(rows -> rows.size() == 1);
  }

  /**
   * Binds a Slack team to the tenant as the operator's configuration says (the demo tenant at
   * start-up), with the tenant's own Slack app or the shared one. The own app's signing secret is
   * the caller's to keep in the tenant's secret store ({@link SlackSigningSecrets#storedWhile}), never
   * in {@code chat_installations}. Refuses to move a team that is bound to another tenant.
   */
  public static Future<Void> bindSlackTeam(SqlClient client, String tenantId, String teamId, boolean ownApp) {
    return client.preparedQuery(BIND_SLACK).execute(Tuple.of(tenantId, teamId, ownApp))
        .compose(rows -> rows.size() == 1
            ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException(
                "Slack team " + teamId + " is already bound to another tenant")));
  }
}
