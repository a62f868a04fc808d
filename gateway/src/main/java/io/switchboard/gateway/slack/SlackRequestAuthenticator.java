package io.switchboard.gateway.slack;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.tenancy.InstallationDirectory;
import io.switchboard.tenancy.SlackInstallation;
import io.switchboard.tenancy.secrets.SecretStoreException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether a request really comes from Slack for an installed workspace, before anything acts
 * on it: the signature headers are present, the timestamp is fresh, the {@code team_id} names an
 * installed workspace, and the body's signature matches that installation's signing secret (its own
 * app's, from the tenant's secret store, or the shared app's). Every refusal is a 401 with a distinct
 * code, but one: when the store cannot give the own app's secret now, the request is refused with a
 * 503 ({@code secret_store_unavailable}), never checked against another secret.
 */
public final class SlackRequestAuthenticator {

  private static final Logger LOG = LoggerFactory.getLogger(SlackRequestAuthenticator.class);

  public static final String TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";
  public static final String SIGNATURE_HEADER = "X-Slack-Signature";
  /** What a workspace id may look like: the admin API's {@code workspaceId} pattern, which Slack's ids fit. */
  private static final Pattern WORKSPACE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final InstallationDirectory installations;
  private final Optional<String> sharedAppSigningSecret;
  private final Clock clock;

  public SlackRequestAuthenticator(InstallationDirectory installations, Optional<String> sharedAppSigningSecret,
                                   Clock clock) {
    this.installations = installations;
    this.sharedAppSigningSecret = sharedAppSigningSecret;
    this.clock = clock;
  }

  /** The installation a form-encoded request (its {@code team_id}) is for, once it is proven to come from Slack. */
  public Future<SlackInstallation> authenticate(MultiMap headers, Buffer rawBody) {
    return authenticate(headers, rawBody, FormBody.peek(rawBody.toString(), "team_id"));
  }

  /**
   * The installation of {@code teamId}, read by the caller from the still unverified body, once the
   * request is proven to come from Slack for that team.
   */
  public Future<SlackInstallation> authenticate(MultiMap headers, Buffer rawBody, Optional<String> teamId) {
    Future<Void> fresh = checkHeaders(headers);
    if (fresh.failed()) {
      return fresh.mapEmpty();
    }
    if (teamId.isEmpty()) {
      return refuse(ErrorCode.UNKNOWN_WORKSPACE, "the request names no Slack team");
    }
    if (!WORKSPACE_ID.matcher(teamId.get()).matches()) {
      // Unverified input: refused before it is looked up, as no installation could have such an id.
      return refuse(ErrorCode.UNKNOWN_WORKSPACE, "the request names no valid Slack team id");
    }
    return installations.findSlackTeam(teamId.get()).recover(SlackRequestAuthenticator::storeUnavailable)
        .compose(found -> {
          if (found.isEmpty()) {
            return refuse(ErrorCode.UNKNOWN_WORKSPACE, "Switchboard is not installed in this Slack team");
          }
          SlackInstallation installation = found.get();
          // An own app's requests are checked with its secret only: never the shared app's instead.
          Optional<String> secret = installation.ownApp() ? installation.signingSecret() : sharedAppSigningSecret;
          if (secret.isEmpty()) {
            return refuse(ErrorCode.UNKNOWN_WORKSPACE, installation.ownApp()
                ? "Switchboard has no signing secret for this Slack team's own app"
                : "Switchboard is not installed in this Slack team");
          }
          return verify(secret.get(), headers, rawBody).map(installation);
        });
  }

  /**
   * The own app's signing secret could not be read (the store is unreachable, refuses us, or cannot
   * decrypt it): a 503, so Slack's request fails and may be retried, and nothing is verified with a
   * secret that is not the installation's. The store's message names the tenant, which an
   * unauthenticated caller must not learn: it is logged, not answered.
   */
  private static Future<Optional<SlackInstallation>> storeUnavailable(Throwable failure) {
    if (!(failure instanceof SecretStoreException store)) {
      return Future.failedFuture(failure);
    }
    LOG.warn("A Slack request was refused: its own app's signing secret cannot be read ({}): {}", store.reason(),
        store.getMessage());
    return refuse(ErrorCode.SECRET_STORE_UNAVAILABLE,
        "the signing secret of this Slack team cannot be read now; try again later");
  }

  /**
   * Proves that a request naming no team (the Events API's {@code url_verification}) comes from
   * Slack for the shared Switchboard app, whose signing secret is in the configuration.
   */
  public Future<Void> authenticateSharedApp(MultiMap headers, Buffer rawBody) {
    Future<Void> fresh = checkHeaders(headers);
    if (fresh.failed()) {
      return fresh;
    }
    if (sharedAppSigningSecret.isEmpty()) {
      return refuse(ErrorCode.UNKNOWN_WORKSPACE, "the request names no Slack team and there is no shared app");
    }
    return verify(sharedAppSigningSecret.get(), headers, rawBody);
  }

  private Future<Void> checkHeaders(MultiMap headers) {
    String timestamp = headers.get(TIMESTAMP_HEADER);
    if (timestamp == null || headers.get(SIGNATURE_HEADER) == null) {
      return refuse(ErrorCode.MISSING_SIGNATURE, "the Slack signature headers are missing");
    }
    if (!SlackSignature.isFresh(timestamp, clock.instant())) {
      return refuse(ErrorCode.STALE_REQUEST, "the request timestamp is not within five minutes of now");
    }
    return Future.succeededFuture();
  }

  private static Future<Void> verify(String secret, MultiMap headers, Buffer rawBody) {
    if (!SlackSignature.matches(secret, headers.get(TIMESTAMP_HEADER), rawBody.getBytes(),
        headers.get(SIGNATURE_HEADER))) {
      return refuse(ErrorCode.BAD_SIGNATURE, "the Slack signature does not match");
    }
    return Future.succeededFuture();
  }

  private static <T> Future<T> refuse(ErrorCode code, String detail) {
    return Future.failedFuture(new SwitchboardException(code, detail));
  }
}
