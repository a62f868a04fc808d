package io.switchboard.gateway.mattermost;

/**
 * A request proven to come from a team's Mattermost server (its slash command token) or from one of
 * Switchboard's buttons in the team (its {@link ActionProof}), with the team's installation and
 * credentials.
 */
public record VerifiedTeam(MattermostInstallation installation, MattermostCredentials credentials) {

  public String tenantId() {
    return installation.tenantId();
  }

  public String teamId() {
    return installation.teamId();
  }
}
