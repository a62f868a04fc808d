package io.switchboard.gateway.slack;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.slack.webapi.SlackApiFailure;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.vertx.core.Future;

import java.util.Optional;

/**
 * Proves that a tenant's own Slack app is installed in a workspace before the workspace is bound to
 * the tenant: Slack's {@code auth.test}, called with the app's bot token, must name a bot of that
 * workspace (its team id, or its Enterprise Grid organisation for an organisation-wide install). Only
 * someone who could install the app into the workspace holds such a token, so naming a workspace id
 * is not enough to take it. Refused proofs are a 422, Slack out of reach a 503.
 */
public final class SlackOwnAppProof {

  private final SlackWebApi slack;

  public SlackOwnAppProof(SlackWebApi slack) {
    this.slack = slack;
  }

  /** Succeeds when {@code botToken} is a bot token of {@code workspaceId}. */
  public Future<Void> prove(String workspaceId, String botToken) {
    return slack.call("auth.test", Optional.of(botToken), client -> client.authTest(r -> r))
        .recover(failure -> Future.failedFuture(failure instanceof SlackApiFailure slackFailure
            ? refusal(slackFailure) : failure))
        .compose(identity -> {
          String proven = identity.isEnterpriseInstall() ? identity.getEnterpriseId() : identity.getTeamId();
          if (identity.getBotId() == null) {
            return Future.failedFuture(new SwitchboardException(ErrorCode.OWNERSHIP_NOT_PROVEN,
                "botToken is not a bot token (Slack's auth.test names no bot): give the app's xoxb- token"));
          }
          if (!workspaceId.equals(proven)) {
            return Future.failedFuture(new SwitchboardException(ErrorCode.OWNERSHIP_NOT_PROVEN,
                "botToken belongs to another Slack workspace than " + workspaceId));
          }
          return Future.succeededFuture();
        });
  }

  private static SwitchboardException refusal(SlackApiFailure failure) {
    return failure.transientFailure()
        ? new SwitchboardException(ErrorCode.PLATFORM_UNAVAILABLE,
            "Slack could not check the bot token (" + failure.error() + "); try again later")
        : new SwitchboardException(ErrorCode.OWNERSHIP_NOT_PROVEN,
            "Slack refused the bot token (" + failure.error() + ")");
  }
}
