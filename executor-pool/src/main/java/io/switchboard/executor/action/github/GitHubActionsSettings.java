package io.switchboard.executor.action.github;

import io.switchboard.executor.action.EnvSettings;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;

/**
 * Node-level configuration of the {@code github-actions} action.
 *
 * @param apiUrl the REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server
 * @param pollInterval how often the run is looked for and polled
 * @param requestTimeout one API request, from connecting to the end of the answer
 * @param runLookupTimeout how long after a dispatch the new run may take to appear in the run list
 */
public record GitHubActionsSettings(URI apiUrl, Duration pollInterval, Duration requestTimeout,
                                    Duration runLookupTimeout) {

  public static final String API_URL = "SWITCHBOARD_GITHUB_API_URL";
  public static final String POLL_MILLIS = "SWITCHBOARD_GITHUB_POLL_MILLIS";
  public static final String REQUEST_TIMEOUT_MILLIS = "SWITCHBOARD_GITHUB_REQUEST_TIMEOUT_MILLIS";
  public static final String RUN_LOOKUP_MILLIS = "SWITCHBOARD_GITHUB_RUN_LOOKUP_MILLIS";

  public static final URI DEFAULT_API_URL = URI.create("https://api.github.com");
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_RUN_LOOKUP = Duration.ofMinutes(2);

  public GitHubActionsSettings {
    String scheme = apiUrl.getScheme();
    if (!"https".equals(scheme) && !"http".equals(scheme) || apiUrl.getHost() == null) {
      throw new IllegalArgumentException(API_URL + " must be an http(s) URL such as " + DEFAULT_API_URL
          + ", was '" + apiUrl + "'");
    }
    for (Duration d : new Duration[] {pollInterval, requestTimeout, runLookupTimeout}) {
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException("GitHub action durations must be positive, was " + d);
      }
    }
  }

  public static GitHubActionsSettings defaults() {
    return new GitHubActionsSettings(DEFAULT_API_URL, DEFAULT_POLL, DEFAULT_REQUEST_TIMEOUT, DEFAULT_RUN_LOOKUP);
  }

  /** @throws IllegalArgumentException naming the variable when a value is malformed */
  public static GitHubActionsSettings fromEnv(Map<String, String> env) {
    String api = env.getOrDefault(API_URL, "").trim();
    URI apiUrl = DEFAULT_API_URL;
    if (!api.isEmpty()) {
      try {
        apiUrl = new URI(api);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(API_URL + " is not a valid URL: " + e.getMessage());
      }
      if (apiUrl.getHost() == null || !("https".equals(apiUrl.getScheme()) || "http".equals(apiUrl.getScheme()))) {
        throw new IllegalArgumentException(API_URL + " must be an http(s) URL such as " + DEFAULT_API_URL
            + " or https://github.example.com/api/v3, was '" + api + "'");
      }
    }
    return new GitHubActionsSettings(apiUrl,
        millis(env, POLL_MILLIS, DEFAULT_POLL),
        millis(env, REQUEST_TIMEOUT_MILLIS, DEFAULT_REQUEST_TIMEOUT),
        millis(env, RUN_LOOKUP_MILLIS, DEFAULT_RUN_LOOKUP));
  }

  /** The API root without a trailing slash, to which paths like /repos/... are appended. */
  String base() {
    String text = apiUrl.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  private static Duration millis(Map<String, String> env, String name, Duration fallback) {
    return EnvSettings.positiveMillis(env, name, fallback);
  }
}
