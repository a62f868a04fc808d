package io.switchboard.tenancy;

import java.util.Locale;

/**
 * How a workspace was proven to belong to the tenant it is bound to ({@code chat_installations.verified_via}).
 * A tenant admin's word is not proof: anyone could name someone else's workspace id. A binding
 * without proof (made before proofs were required) is displaced by any proven one.
 */
public enum InstallationProof {
  /** The shared Slack app was installed into the workspace through OAuth. */
  SLACK_OAUTH,
  /** A tenant's own Slack app: Slack's {@code auth.test} named the workspace for the app's bot token. */
  SLACK_AUTH_TEST,
  /** The Teams bot was added to a team or chat of the Teams tenant (an activity the Bot Framework signs). */
  TEAMS_CONVERSATION_UPDATE,
  /** The local sandbox web chat, which has no outside owner. */
  SANDBOX,
  /** The operator bound it (the operator API, or the start-up configuration of the demo tenant). */
  OPERATOR,
  /**
   * An admin of the workspace ran {@code verify <code>} there with a tenant admin's claim code, in a
   * command the platform signs (Teams, Discord): the workspace's own admin chose the tenant.
   */
  CLAIM_CODE,
  /**
   * A tenant's own bot on a self-hosted chat server (Mattermost): the server the tenant named says the
   * bot token given is a bot account's and the bot is a member of the workspace (team).
   */
  BOT_TOKEN;

  /**
   * Whether a binding with this proof takes the workspace from another tenant whose binding is
   * disabled, or was made by any member of the Teams tenant adding the bot
   * ({@link #TEAMS_CONVERSATION_UPDATE}): only the workspace admin's own choice ({@link #CLAIM_CODE})
   * does. Every proof takes it from a tenant that only claimed it ({@link Installations#displaceOutranked}).
   */
  public boolean outranksMemberBindings() {
    return this == CLAIM_CODE;
  }

  /** The column's spelling, e.g. {@code slack_oauth}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
