package io.switchboard.tenancy;

import io.switchboard.core.db.Rows;
import io.switchboard.core.security.Secrets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tenant admin's claims on a Teams tenant or Discord guild ({@code workspace_claims}): the proof a
 * platform cannot give through an install flow of its own. The tenant admin asks for a claim code
 * naming the workspace; an admin of that workspace proves the choice by running {@code verify <code>}
 * there, in a command the platform signs. A code is {@value #CODE_PREFIX} and 24 hex digits (96 random
 * bits); only its SHA-256 is stored, and it works once, for {@link #LIFETIME}, in the workspace it
 * names only. Listing names the tenant, so one tenant never sees another's claims.
 */
public final class WorkspaceClaims {

  public static final Duration LIFETIME = Duration.ofMinutes(30);
  public static final String CODE_PREFIX = "sbc_";
  private static final int CODE_BYTES = 12;
  private static final Pattern VERIFY = Pattern.compile(
      "^\\s*verify\\s+(" + CODE_PREFIX + "[0-9a-f]{" + 2 * CODE_BYTES + "})\\s*$", Pattern.CASE_INSENSITIVE);
  private static final int LISTED = 100;

  /** A claim as listed: never its code. */
  public record Claim(long id, String platform, String workspaceId, String createdBy, Instant createdAt,
                      Instant expiresAt, Optional<Instant> verifiedAt, Optional<String> verifiedBy) {

    static Claim fromRow(Row row) {
      return new Claim(row.getLong("id"), row.getString("platform"), row.getString("workspace_id"),
          row.getString("created_by"), row.getOffsetDateTime("created_at").toInstant(),
          row.getOffsetDateTime("expires_at").toInstant(),
          Optional.ofNullable(row.getOffsetDateTime("verified_at")).map(OffsetDateTime::toInstant),
          Optional.ofNullable(row.getString("verified_by")));
    }

    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("id", id).put("platform", platform).put("workspaceId", workspaceId)
          .put("createdBy", createdBy).put("createdAt", createdAt.toString()).put("expiresAt", expiresAt.toString());
      verifiedAt.ifPresent(at -> json.put("verifiedAt", at.toString()));
      verifiedBy.ifPresent(by -> json.put("verifiedBy", by));
      return json;
    }
  }

  /** A new claim and its code, which is shown this once. */
  public record Issued(Claim claim, String code) {
  }

  /** A claim redeemed by a workspace admin: the tenant it binds the workspace to. */
  public record Redeemed(long claimId, String tenantId) {
  }

  private static final String COLUMNS =
      "id, platform, workspace_id, created_by, created_at, expires_at, verified_at, verified_by";

  private static final String ISSUE = """
      INSERT INTO workspace_claims (tenant_id, platform, workspace_id, code_hash, created_by, expires_at)
      VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
      RETURNING\s""" + COLUMNS;

  private static final String LIST = "SELECT " + COLUMNS + " FROM workspace_claims WHERE tenant_id = $1 "
      + "ORDER BY id DESC LIMIT " + LISTED;

  /**
   * Marks the claim verified when the code is one of an active tenant's, for this platform and
   * workspace (Teams tenant ids compared without case), unused and unexpired.
   */
  private static final String REDEEM = """
      UPDATE workspace_claims c SET verified_at = now(), verified_by = $4
      FROM tenants t
      WHERE c.code_hash = $1 AND c.platform = $2 AND lower(c.workspace_id) = lower($3)
        AND c.verified_at IS NULL AND c.expires_at > now() AND t.id = c.tenant_id AND t.status = 'active'
      RETURNING c.id, c.tenant_id""";

  private WorkspaceClaims() {
  }

  /** Issues a claim on {@code workspaceId} of {@code platform} ({@code teams} or {@code discord}) for the tenant. */
  public static Future<Issued> issue(SqlClient client, String tenantId, String platform, String workspaceId,
                                     String createdBy) {
    String code = Secrets.generate(CODE_PREFIX, CODE_BYTES);
    return client.preparedQuery(ISSUE)
        .execute(Tuple.of(tenantId, platform, workspaceId, Secrets.hash(code), createdBy, (double) LIFETIME.toSeconds()))
        .map(rows -> new Issued(Claim.fromRow(rows.iterator().next()), code));
  }

  /** The tenant's latest claims, newest first (at most {@value #LISTED}). */
  public static Future<List<Claim>> list(SqlClient client, String tenantId) {
    return client.preparedQuery(LIST).execute(Tuple.of(tenantId)).map(rows -> {
      List<Claim> all = new ArrayList<>();
      rows.forEach(row -> all.add(Claim.fromRow(row)));
      return all;
    });
  }

  /**
   * Redeems the code for the workspace, by {@code verifiedBy} (the workspace admin); empty when the
   * code is unknown, used, expired, of a suspended tenant, or for another platform or workspace. Call
   * in the binding's transaction, so a binding that fails leaves the claim unused.
   */
  public static Future<Optional<Redeemed>> redeem(SqlClient client, String code, String platform, String workspaceId,
                                                  String verifiedBy) {
    return client.preparedQuery(REDEEM)
        .execute(Tuple.of(Secrets.hash(code.toLowerCase(Locale.ROOT)), platform, workspaceId, verifiedBy))
        .map(rows -> Rows.first(rows, row -> new Redeemed(row.getLong("id"), row.getString("tenant_id"))));
  }

  /**
   * The code in a chat message that is exactly {@code verify <code>} (any case, surrounding space
   * allowed); empty for any other text, so a tenant's own command named {@code verify} keeps working.
   */
  public static Optional<String> codeIn(String text) {
    Matcher matcher = VERIFY.matcher(text == null ? "" : text);
    return matcher.matches() ? Optional.of(matcher.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
  }
}
