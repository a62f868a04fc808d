package io.switchboard.tenancy;

import io.switchboard.core.db.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A tenant's chat installations as its admins manage them: list, add, disable. Every query names the
 * tenant, so one tenant never sees or changes another's installation. A workspace belongs to one
 * tenant at most; a disabled installation of the same tenant can be added again.
 */
public final class Installations {

  /** One installation; the signing secret of a tenant's own app is never shown, only whether there is one. */
  public record Installation(long id, String platform, String workspaceId, boolean enabled, boolean ownApp,
                             Instant createdAt) {

    static Installation fromRow(Row row) {
      return new Installation(row.getLong("id"), row.getString("platform"), row.getString("workspace_id"),
          row.getBoolean("enabled"), row.getBoolean("own_app"), row.getOffsetDateTime("created_at").toInstant());
    }

    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("platform", platform).put("workspaceId", workspaceId)
          .put("enabled", enabled).put("ownApp", ownApp).put("createdAt", createdAt.toString());
    }
  }

  private static final String COLUMNS =
      "id, platform, workspace_id, enabled, signing_secret IS NOT NULL AS own_app, created_at";

  private static final String LIST =
      "SELECT " + COLUMNS + " FROM chat_installations WHERE tenant_id = $1 ORDER BY id";

  /** A new binding, or the re-enabling of this tenant's own disabled one; nothing if the workspace is taken. */
  private static final String ADD = """
      INSERT INTO chat_installations (tenant_id, platform, workspace_id, signing_secret, app_id)
      VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (platform, workspace_id) DO UPDATE
        SET enabled = true, signing_secret = EXCLUDED.signing_secret, app_id = EXCLUDED.app_id
        WHERE chat_installations.tenant_id = EXCLUDED.tenant_id AND NOT chat_installations.enabled
      RETURNING\s""" + COLUMNS;

  private static final String DISABLE =
      "UPDATE chat_installations SET enabled = false WHERE tenant_id = $1 AND id = $2 RETURNING " + COLUMNS;

  private Installations() {
  }

  public static Future<List<Installation>> list(SqlClient client, String tenantId) {
    return client.preparedQuery(LIST).execute(Tuple.of(tenantId)).map(rows -> {
      List<Installation> all = new ArrayList<>();
      rows.forEach(row -> all.add(Installation.fromRow(row)));
      return all;
    });
  }

  /**
   * Binds the workspace to the tenant.
   *
   * @param signingSecret the signing secret of the tenant's own chat app, or null for the shared app
   * @return the installation, or empty when the workspace is bound already (to this or another tenant)
   */
  public static Future<Optional<Installation>> add(SqlClient client, String tenantId, String platform,
                                                   String workspaceId, String signingSecret) {
    return add(client, tenantId, platform, workspaceId, signingSecret, null);
  }

  /**
   * Binds the workspace to the tenant, with the tenant's own chat app.
   *
   * @param verificationKey what requests of the tenant's own app are verified with (Slack: its signing
   *                        secret; Discord: its Ed25519 public key), or null for the shared app
   * @param appId           the id of the tenant's own app (Discord application id), or null
   */
  public static Future<Optional<Installation>> add(SqlClient client, String tenantId, String platform,
                                                   String workspaceId, String verificationKey, String appId) {
    return client.preparedQuery(ADD).execute(Tuple.of(tenantId, platform, workspaceId, verificationKey, appId))
        .map(rows -> Rows.first(rows, Installation::fromRow));
  }

  /** Disables the tenant's installation; empty if the tenant has none with this id. */
  public static Future<Optional<Installation>> disable(SqlClient client, String tenantId, long id) {
    return client.preparedQuery(DISABLE).execute(Tuple.of(tenantId, id))
        .map(rows -> Rows.first(rows, Installation::fromRow));
  }
}
