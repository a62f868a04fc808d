package io.switchboard.tenancy;

import java.util.Optional;

/**
 * A Slack workspace bound to a tenant. {@code signingSecret} is present when the tenant brings its own
 * Slack app; otherwise the shared Switchboard app's secret applies.
 */
public record SlackInstallation(String tenantId, String teamId, Optional<String> signingSecret) {

  /** The {@code platform} of Slack installations. */
  public static final String PLATFORM = "slack";

  @Override
  public String toString() {
    return "SlackInstallation[tenant=" + tenantId + ", team=" + teamId + "]";
  }
}
