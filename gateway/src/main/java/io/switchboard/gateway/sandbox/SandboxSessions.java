package io.switchboard.gateway.sandbox;

import io.switchboard.core.db.Rows;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.log.RedactedRecord;
import io.switchboard.core.security.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.Optional;

/**
 * Sandbox sessions: a random token in an HttpOnly cookie, of which only the SHA-256 is stored, bound
 * to the tenant of the sandbox installation ({@code chat_installations} platform {@code sandbox},
 * workspace {@link #WORKSPACE}) when it was made. The token is what finds the session (and so its
 * tenant), as a bearer token finds its tenant; everything after that is keyed by the session's tenant.
 */
public final class SandboxSessions {

  /** The workspace id of the sandbox installation. */
  public static final String WORKSPACE = "web";

  /**
   * How many sessions the sandbox keeps at once (issue 11: anyone who reaches the page could make
   * sessions without limit); idle ones are deleted by {@link SandboxCleanup}, which makes room.
   */
  public static final int MAX_SESSIONS = 1000;

  private static final String INSTALLED_TENANT = """
      SELECT tenant_id FROM chat_installations WHERE platform = 'sandbox' AND workspace_id = $1 AND enabled""";
  private static final String FIND = """
      SELECT s.tenant_id, s.id, s.user_id FROM sandbox_sessions s
      JOIN chat_installations i ON i.tenant_id = s.tenant_id AND i.platform = 'sandbox' AND i.workspace_id = $2
      WHERE s.token_sha256 = $1 AND i.enabled""";
  /** A new session, unless the tenant has {@link #MAX_SESSIONS} already (concurrent starts may pass it by a few). */
  private static final String CREATE = """
      INSERT INTO sandbox_sessions (tenant_id, id, token_sha256, user_id)
      SELECT $1, $2, $3, $4 WHERE (SELECT count(*) FROM sandbox_sessions WHERE tenant_id = $1) < $5""";
  private static final String SWITCH_USER = "UPDATE sandbox_sessions SET user_id = $3 WHERE tenant_id = $1 AND id = $2";

  /** A new session and the token its cookie carries (shown only to its visitor). */
  public record Created(SandboxSession session, String token) {

    @Override
    public String toString() {
      return RedactedRecord.toString(this, "token");
    }
  }

  private final Pool pool;

  public SandboxSessions(Pool pool) {
    this.pool = pool;
  }

  /** The session of a cookie's token; empty for an unknown token or a disabled installation. */
  public Future<Optional<SandboxSession>> find(String token) {
    return pool.preparedQuery(FIND).execute(Tuple.of(Secrets.hash(token), WORKSPACE))
        .map(rows -> Rows.first(rows, SandboxSessions::session));
  }

  /**
   * A new session as {@code userId}; empty when no tenant has the sandbox installed; failed with
   * {@code rate_limited} (429) when the sandbox has {@link #MAX_SESSIONS} sessions already.
   */
  public Future<Optional<Created>> create(String userId) {
    return pool.preparedQuery(INSTALLED_TENANT).execute(Tuple.of(WORKSPACE)).compose(rows -> {
      Optional<String> tenant = Rows.first(rows, row -> row.getString("tenant_id"));
      if (tenant.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      SandboxSession session = new SandboxSession(tenant.get(), Secrets.generate("web-", 9), userId);
      String token = Secrets.generate("sbs_", 32);
      return pool.preparedQuery(CREATE)
          .execute(Tuple.of(session.tenantId(), session.id(), Secrets.hash(token), userId, MAX_SESSIONS))
          .compose(done -> done.rowCount() == 1
              ? Future.succeededFuture(Optional.of(new Created(session, token)))
              : Future.failedFuture(new SwitchboardException(ErrorCode.RATE_LIMITED, "the sandbox has "
                  + MAX_SESSIONS + " sessions already; try again when idle ones have ended")));
    });
  }

  /** The session, now speaking as {@code userId}. */
  public Future<SandboxSession> switchUser(SandboxSession session, String userId) {
    return pool.preparedQuery(SWITCH_USER).execute(Tuple.of(session.tenantId(), session.id(), userId))
        .map(done -> new SandboxSession(session.tenantId(), session.id(), userId));
  }

  private static SandboxSession session(Row row) {
    return new SandboxSession(row.getString("tenant_id"), row.getString("id"), row.getString("user_id"));
  }
}
