package io.switchboard.gateway.slack.oauth;

import com.slack.api.methods.response.oauth.OAuthV2AccessResponse;

import java.util.Optional;

/**
 * What {@code oauth.v2.access} told about a new installation. For an Enterprise Grid organisation
 * install the workspace is the organisation ({@code enterprise_id}); otherwise it is the team.
 */
record OAuthInstallation(String workspaceId, String workspaceName, Optional<String> enterpriseId, String appId,
                         String botUserId, String botToken, String scopes, String installedBy) {

  /** @throws IllegalArgumentException when Slack's answer lacks what an installation needs */
  static OAuthInstallation from(OAuthV2AccessResponse response) {
    Optional<String> enterprise = Optional.ofNullable(response.getEnterprise()).map(e -> e.getId());
    String workspace;
    String name;
    if (response.isEnterpriseInstall()) {
      workspace = enterprise.orElseThrow(() -> new IllegalArgumentException("an organisation install without an enterprise id"));
      name = response.getEnterprise().getName();
    } else {
      if (response.getTeam() == null || response.getTeam().getId() == null) {
        throw new IllegalArgumentException("no team in Slack's answer");
      }
      workspace = response.getTeam().getId();
      name = response.getTeam().getName();
    }
    if (response.getAccessToken() == null || !"bot".equals(response.getTokenType())) {
      throw new IllegalArgumentException("no bot token in Slack's answer");
    }
    String installer = response.getAuthedUser() == null ? "slack" : response.getAuthedUser().getId();
    return new OAuthInstallation(workspace, name == null ? workspace : name, enterprise,
        String.valueOf(response.getAppId()), String.valueOf(response.getBotUserId()), response.getAccessToken(),
        String.valueOf(response.getScope()), "slack:" + installer);
  }

  @Override
  public String toString() {
    return "OAuthInstallation[workspace=" + workspaceId + ", app=" + appId + "]";
  }
}
