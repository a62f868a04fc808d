package io.switchboard.tenancy;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** Creates tenants and binds chat workspaces to them. */
public final class Tenants {

  private static final String CREATE = """
      INSERT INTO tenants (id, name) VALUES ($1, $2)
      ON CONFLICT (id) DO NOTHING
      RETURNING id""";

  private static final String BIND_SLACK = """
      INSERT INTO chat_installations (tenant_id, platform, workspace_id, signing_secret)
      VALUES ($1, 'slack', $2, $3)
      ON CONFLICT (platform, workspace_id) DO UPDATE SET signing_secret = EXCLUDED.signing_secret
      WHERE chat_installations.tenant_id = EXCLUDED.tenant_id
      RETURNING id""";

  private Tenants() {
  }

  /** Creates the tenant if it does not exist; true when it was created now. */
  public static Future<Boolean> createIfAbsent(SqlClient client, String tenantId, String name) {
    return client.preparedQuery(CREATE).execute(Tuple.of(tenantId, name)).map(rows -> rows.size() == 1);
  }

  /**
   * Binds a Slack team to the tenant, with the signing secret of the tenant's own Slack app (or null
   * for the shared app). Refuses to move a team that is bound to another tenant.
   */
  public static Future<Void> bindSlackTeam(SqlClient client, String tenantId, String teamId, String signingSecret) {
    return client.preparedQuery(BIND_SLACK).execute(Tuple.of(tenantId, teamId, signingSecret))
        .compose(rows -> rows.size() == 1
            ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException(
                "Slack team " + teamId + " is already bound to another tenant")));
  }
}
