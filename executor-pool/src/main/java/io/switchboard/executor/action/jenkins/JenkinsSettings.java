package io.switchboard.executor.action.jenkins;

import io.switchboard.executor.action.EnvSettings;

import java.time.Duration;
import java.util.Map;

/**
 * Node-level configuration of the {@code jenkins} action. The Jenkins URL comes from the job's
 * arguments and the credentials from the tenant's secrets, never from here.
 *
 * @param pollInterval how often the queue item and then the build are read
 * @param requestTimeout one request, from connecting to the end of the answer
 * @param consoleTailLines at most this many last lines of the build's console are shown
 * @param consoleTailBytes and at most this many bytes of them
 */
public record JenkinsSettings(Duration pollInterval, Duration requestTimeout, int consoleTailLines,
                              int consoleTailBytes) {

  public static final String POLL_MILLIS = "SWITCHBOARD_JENKINS_POLL_MILLIS";
  public static final String REQUEST_TIMEOUT_MILLIS = "SWITCHBOARD_JENKINS_REQUEST_TIMEOUT_MILLIS";
  public static final String CONSOLE_TAIL_LINES = "SWITCHBOARD_JENKINS_CONSOLE_TAIL_LINES";
  public static final String CONSOLE_TAIL_BYTES = "SWITCHBOARD_JENKINS_CONSOLE_TAIL_BYTES";

  public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_CONSOLE_TAIL_LINES = 40;
  public static final int DEFAULT_CONSOLE_TAIL_BYTES = 4096;

  public JenkinsSettings {
    for (Duration d : new Duration[] {pollInterval, requestTimeout}) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException("Jenkins action durations must be positive, was " + d);
      }
    }
    if (consoleTailLines < 1 || consoleTailBytes < 1) {
      throw new IllegalArgumentException("the Jenkins console tail must be at least 1 line and 1 byte");
    }
  }

  public static JenkinsSettings defaults() {
    return new JenkinsSettings(DEFAULT_POLL, DEFAULT_REQUEST_TIMEOUT, DEFAULT_CONSOLE_TAIL_LINES,
        DEFAULT_CONSOLE_TAIL_BYTES);
  }

  /** @throws IllegalArgumentException naming the variable when a value is malformed */
  public static JenkinsSettings fromEnv(Map<String, String> env) {
    return new JenkinsSettings(
        EnvSettings.positiveMillis(env, POLL_MILLIS, DEFAULT_POLL),
        EnvSettings.positiveMillis(env, REQUEST_TIMEOUT_MILLIS, DEFAULT_REQUEST_TIMEOUT),
        EnvSettings.positiveInt(env, CONSOLE_TAIL_LINES, DEFAULT_CONSOLE_TAIL_LINES),
        EnvSettings.positiveInt(env, CONSOLE_TAIL_BYTES, DEFAULT_CONSOLE_TAIL_BYTES));
  }
}
