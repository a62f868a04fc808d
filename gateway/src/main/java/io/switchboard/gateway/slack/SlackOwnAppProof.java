package io.switchboard.gateway.slack;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.slack.webapi.SlackApiFailure;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.switchboard.gateway.platform.WorkspaceOwnership;
import io.switchboard.tenancy.InstallationProof;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Proves that a tenant's own Slack app is installed in a workspace before the workspace is bound to
 * the tenant: Slack's {@code auth.test}, called with the app's bot token, must name a bot of that
 * workspace (its team id, or its Enterprise Grid organisation for an organisation-wide install). Only
 * someone who could install the app into the workspace holds such a token, so naming a workspace id
 * is not enough to take it. Refused proofs are a 422, Slack out of reach a 503. The bot token is kept
 * in the tenant's secret store while the binding is made, like an OAuth install's token; a binding that
 * fails puts back what the tenant had kept before, so a refused binding leaves no token behind and
 * never replaces a working one. (The signing secret, which marks the binding as the tenant's own app,
 * is kept by {@link SlackOwnApp} for every way of binding.)
 */
public final class SlackOwnAppProof implements WorkspaceOwnership {

  private final SlackWebApi slack;
  private final SlackBotTokens botTokens;

  public SlackOwnAppProof(SlackWebApi slack, SlackBotTokens botTokens) {
    this.slack = slack;
    this.botTokens = botTokens;
  }

  /** The tenant's own app, proven by its {@code botToken}; the shared app is installed through an install link. */
  @Override
  public Future<InstallationProof> prove(String workspaceId, JsonObject body) {
    String signingSecret = body.getString("signingSecret");
    String botToken = body.getString("botToken");
    if (signingSecret == null || botToken == null) {
      return Future.failedFuture(new SwitchboardException(ErrorCode.OWNERSHIP_NOT_PROVEN,
          "a Slack workspace is bound with proof: for the shared app, install it with an install link "
              + "(POST /api/v1/installations/slack-install-link); for the tenant's own app, give its signingSecret "
              + "and its botToken, which Slack must name for workspace " + workspaceId));
    }
    return prove(workspaceId, botToken).map(InstallationProof.SLACK_AUTH_TEST);
  }

  @Override
  public Set<String> fields() {
    return Set.of("botToken");
  }

  @Override
  public <T> Future<T> storedWhile(String tenantId, String workspaceId, JsonObject body, Supplier<Future<T>> binding) {
    return botTokens.storedWhile(tenantId, workspaceId, body.getString("botToken"), binding);
  }

  /** Succeeds when {@code botToken} is a bot token of {@code workspaceId}. */
  Future<Void> prove(String workspaceId, String botToken) {
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
