package io.switchboard.gateway.notify;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.Map;

/**
 * Checks that a notification's target is the tenant's own: an enabled installation of the tenant on
 * that platform (so no tenant can post into another's workspace; another tenant's workspace is as
 * unknown as a missing one), with what posting there needs (a bot token; for Teams a known connector URL).
 */
public final class NotificationTargets {

  private static final String INSTALLED = """
      SELECT EXISTS (SELECT 1 FROM chat_installations
        WHERE tenant_id = $1 AND platform = $2 AND workspace_id = $3 AND enabled)""";

  private final Pool pool;
  private final Map<String, BotTokens> tokensByPlatform;

  /** @param tokensByPlatform the bot tokens of each platform that delivers notifications */
  public NotificationTargets(Pool pool, Map<String, BotTokens> tokensByPlatform) {
    this.pool = pool;
    this.tokensByPlatform = Map.copyOf(tokensByPlatform);
  }

  /** Succeeds for a usable target; fails with a 404 ({@code not_found}) or 409 ({@code conflict}) problem otherwise. */
  public Future<Void> check(String tenantId, NotificationTarget target) {
    BotTokens tokens = tokensByPlatform.get(target.platform());
    if (tokens == null) {
      return Future.failedFuture(new SwitchboardException(ErrorCode.CONFLICT, "notifications cannot be posted on "
          + target.platform() + " by this gateway"));
    }
    return pool.preparedQuery(INSTALLED).execute(Tuple.of(tenantId, target.platform(), target.workspace()))
        .compose(rows -> rows.iterator().next().getBoolean(0)
            ? tokens.find(tenantId, target.workspace())
            : Future.failedFuture(new SwitchboardException(ErrorCode.NOT_FOUND, "no enabled " + target.platform()
                + " installation of workspace " + target.workspace() + " for this tenant")))
        .compose(token -> token.isPresent()
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(new SwitchboardException(ErrorCode.CONFLICT, "the " + target.platform()
                + " installation of workspace " + target.workspace() + " " + tokens.missing())));
  }
}
