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
 * tenant at most; a disabled installation of the same tenant can be added again. Every binding says
 * how the workspace was proven to be the tenant's ({@link InstallationProof}); one made without proof
 * (before proofs were required) gives way to a proven one ({@link #displaceOutranked}).
 */
public final class Installations {

  /**
   * One installation; whether it is of the tenant's own app is shown, never what verifies its requests
   * (a Slack app's signing secret is in the tenant's secret store in any case).
   */
  public record Installation(long id, String platform, String workspaceId, boolean enabled, boolean ownApp,
                             Optional<String> verifiedVia, Instant createdAt) {

    static Installation fromRow(Row row) {
      return new Installation(row.getLong("id"), row.getString("platform"), row.getString("workspace_id"),
          row.getBoolean("enabled"), row.getBoolean("own_app"), Optional.ofNullable(row.getString("verified_via")),
          row.getOffsetDateTime("created_at").toInstant());
    }

    /** {@code verifiedVia} is how the workspace was proven to be the tenant's, {@code unproven} for an old bare claim. */
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("platform", platform).put("workspaceId", workspaceId)
          .put("enabled", enabled).put("ownApp", ownApp).put("verifiedVia", verifiedVia.orElse(UNPROVEN))
          .put("createdAt", createdAt.toString());
    }
  }

  /** A binding a tenant admin claimed before proofs were required: {@code verified_via} is NULL. */
  public static final String UNPROVEN = "unproven";

  /** A binding taken from a tenant that had only claimed the workspace. */
  public record Displaced(long installationId, String tenantId, String platform, String workspaceId) {
  }

  private static final String COLUMNS = "id, platform, workspace_id, enabled, own_app, verified_via, created_at";

  /**
   * Removes the workspace's binding when another tenant than $3 holds it and it was never proven, or,
   * when $4 (the workspace admin's choice), when it is disabled or was made by a member adding the
   * Teams bot. Nothing else refers to a binding's id, so the row goes; the tenant's jobs and audit stay.
   */
  private static final String DISPLACE_OUTRANKED = """
      DELETE FROM chat_installations
      WHERE platform = $1 AND workspace_id = $2 AND tenant_id <> $3
        AND (verified_via IS NULL OR $4 AND (NOT enabled OR verified_via = 'teams_conversation_update'))
      RETURNING id, tenant_id""";

  private static final String LIST =
      "SELECT " + COLUMNS + " FROM chat_installations WHERE tenant_id = $1 ORDER BY id";

  /**
   * A new binding, or the re-enabling of this tenant's own disabled one, or the proof of this tenant's
   * own unproven one; nothing if the workspace is taken.
   */
  private static final String ADD = """
      INSERT INTO chat_installations (tenant_id, platform, workspace_id, own_app, signing_secret, app_id, verified_via)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (platform, workspace_id) DO UPDATE
        SET enabled = true, own_app = EXCLUDED.own_app, signing_secret = EXCLUDED.signing_secret,
            app_id = EXCLUDED.app_id, verified_via = EXCLUDED.verified_via
        WHERE chat_installations.tenant_id = EXCLUDED.tenant_id
          AND (NOT chat_installations.enabled OR chat_installations.verified_via IS NULL)
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
   * Binds the workspace to the tenant, with the tenant's own chat app when {@code publicKey} is given
   * (a Discord application's), else with the shared one. A Slack app's signing secret is never given
   * here: see {@link #add(SqlClient, String, String, String, boolean, String, String, InstallationProof)}.
   */
  public static Future<Optional<Installation>> add(SqlClient client, String tenantId, String platform,
                                                   String workspaceId, String publicKey, String appId,
                                                   InstallationProof proof) {
    return add(client, tenantId, platform, workspaceId, publicKey != null, publicKey, appId, proof);
  }

  /**
   * Binds the workspace to the tenant, with the tenant's own chat app or the shared one.
   *
   * @param ownApp    whether it is the tenant's own app; for Slack, the caller keeps its signing secret
   *                  in the tenant's secret store ({@link SlackSigningSecrets}), never in this table
   * @param publicKey what requests of the tenant's own Discord application are verified with (its
   *                  Ed25519 public key, not a secret), or null; always null for Slack
   * @param appId     the id of the tenant's own app (Discord application id), or null
   * @param proof     how the workspace was proven to be the tenant's
   * @return the installation, or empty when the workspace is bound already (to this or another tenant)
   */
  public static Future<Optional<Installation>> add(SqlClient client, String tenantId, String platform,
                                                   String workspaceId, boolean ownApp, String publicKey, String appId,
                                                   InstallationProof proof) {
    if (publicKey != null && (!ownApp || SlackInstallation.PLATFORM.equals(platform))) {
      return Future.failedFuture(new IllegalArgumentException(SlackInstallation.PLATFORM.equals(platform)
          ? "a Slack app's signing secret is kept in the tenant's secret store, not in chat_installations"
          : "a public key is for the tenant's own app only"));
    }
    return client.preparedQuery(ADD)
        .execute(Tuple.of(tenantId, platform, workspaceId, ownApp, publicKey, appId, proof.wire()))
        .map(rows -> Rows.first(rows, Installation::fromRow));
  }

  /**
   * Takes the workspace from a tenant other than {@code tenantId} whose binding {@code proof} outranks
   * (one that only claimed it; see {@link InstallationProof#outranksMemberBindings}), before a proven
   * binding; call in the proven binding's transaction and audit what it answers in the losing tenant.
   */
  public static Future<Optional<Displaced>> displaceOutranked(SqlClient client, String platform, String workspaceId,
                                                              String tenantId, InstallationProof proof) {
    return client.preparedQuery(DISPLACE_OUTRANKED)
        .execute(Tuple.of(platform, workspaceId, tenantId, proof.outranksMemberBindings()))
        .map(rows -> Rows.first(rows, row -> new Displaced(row.getLong("id"), row.getString("tenant_id"), platform,
            workspaceId)));
  }

  /** Disables the tenant's installation; empty if the tenant has none with this id. */
  public static Future<Optional<Installation>> disable(SqlClient client, String tenantId, long id) {
    return client.preparedQuery(DISABLE).execute(Tuple.of(tenantId, id))
        .map(rows -> Rows.first(rows, Installation::fromRow));
  }
}
