package io.switchboard.gateway.notify;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Checks that a notification's target is the tenant's own: an enabled installation of the tenant on
 * that platform (so no tenant can post into another's workspace; another tenant's workspace is as
 * unknown as a missing one), with a bot token to post with.
 */
public final class NotificationTargets {

  private static final String INSTALLED = """
      SELECT EXISTS (SELECT 1 FROM chat_installations
        WHERE tenant_id = $1 AND platform = $2 AND workspace_id = $3 AND enabled)""";

  private final Pool pool;
  private final BotTokens tokens;

  public NotificationTargets(Pool pool, BotTokens tokens) {
    this.pool = pool;
    this.tokens = tokens;
  }

  /** Succeeds for a usable target; fails with a 404 ({@code not_found}) or 409 ({@code conflict}) problem otherwise. */
  public Future<Void> check(String tenantId, NotificationTarget target) {
    return pool.preparedQuery(INSTALLED).execute(Tuple.of(tenantId, target.platform(), target.workspace()))
        .compose(rows -> rows.iterator().next().getBoolean(0)
            ? tokens.find(tenantId, target.workspace())
            : Future.failedFuture(new SwitchboardException(ErrorCode.NOT_FOUND, "no enabled " + target.platform()
                + " installation of workspace " + target.workspace() + " for this tenant")))
        .compose(token -> token.isPresent()
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(new SwitchboardException(ErrorCode.CONFLICT, "the " + target.platform()
                + " installation of workspace " + target.workspace() + " has no bot token to post with")));
  }
}
