package io.switchboard.tenancy;

import java.util.Optional;

/**
 * A Slack workspace bound to a tenant. {@code ownApp} is true when the tenant brings its own Slack
 * app, whose requests are verified with {@code signingSecret} (read from the tenant's secret store;
 * empty when the store holds none, and then no request of the workspace is accepted); otherwise the
 * shared Switchboard app's secret applies and {@code signingSecret} is empty.
 */
public record SlackInstallation(String tenantId, String teamId, boolean ownApp, Optional<String> signingSecret) {

  /** The {@code platform} of Slack installations. */
  public static final String PLATFORM = "slack";

  public SlackInstallation {
    if (!ownApp && signingSecret.isPresent()) {
      throw new IllegalArgumentException("an installation of the shared app has no signing secret of its own");
    }
  }

  /** An installation of the shared Switchboard app. */
  public static SlackInstallation sharedApp(String tenantId, String teamId) {
    return new SlackInstallation(tenantId, teamId, false, Optional.empty());
  }

  /** An installation of the tenant's own app, with the signing secret its store holds (if any). */
  public static SlackInstallation ownApp(String tenantId, String teamId, Optional<String> signingSecret) {
    return new SlackInstallation(tenantId, teamId, true, signingSecret);
  }

  @Override
  public String toString() {
    return "SlackInstallation[tenant=" + tenantId + ", team=" + teamId + ", ownApp=" + ownApp + "]";
  }
}
