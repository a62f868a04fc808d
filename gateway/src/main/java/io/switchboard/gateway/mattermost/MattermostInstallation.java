package io.switchboard.gateway.mattermost;

/**
 * A Mattermost team bound to a tenant. Its credentials (the server's URL, the slash command's token,
 * the bot's token, the button key) are in the tenant's secret store ({@link MattermostCredentials}).
 *
 * @param tenantId the tenant the team's commands run for
 * @param teamId   the team id (26 characters, unique on its server)
 */
public record MattermostInstallation(String tenantId, String teamId) {
}
