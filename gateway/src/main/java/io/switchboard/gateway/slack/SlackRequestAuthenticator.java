package io.switchboard.gateway.slack;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.tenancy.InstallationDirectory;
import io.switchboard.tenancy.SlackInstallation;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.time.Clock;
import java.util.Optional;

/**
 * Decides whether a request really comes from Slack for an installed workspace, before anything acts
 * on it: the signature headers are present, the timestamp is fresh, the {@code team_id} names an
 * installed workspace, and the body's signature matches that installation's signing secret (its own
 * app's, or the shared app's). Every refusal is a 401 with a distinct code.
 */
public final class SlackRequestAuthenticator {

  public static final String TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";
  public static final String SIGNATURE_HEADER = "X-Slack-Signature";

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
    String timestamp = headers.get(TIMESTAMP_HEADER);
    String signature = headers.get(SIGNATURE_HEADER);
    if (timestamp == null || signature == null) {
      return refuse(ErrorCode.MISSING_SIGNATURE, "the Slack signature headers are missing");
    }
    if (!SlackSignature.isFresh(timestamp, clock.instant())) {
      return refuse(ErrorCode.STALE_REQUEST, "the request timestamp is not within five minutes of now");
    }
    if (teamId.isEmpty()) {
      return refuse(ErrorCode.UNKNOWN_WORKSPACE, "the request names no Slack team");
    }
    return installations.findSlackTeam(teamId.get()).compose(found -> {
      Optional<String> secret = found.flatMap(SlackInstallation::signingSecret).or(() -> sharedAppSigningSecret);
      if (found.isEmpty() || secret.isEmpty()) {
        return refuse(ErrorCode.UNKNOWN_WORKSPACE, "Switchboard is not installed in this Slack team");
      }
      if (!SlackSignature.matches(secret.get(), timestamp, rawBody.getBytes(), signature)) {
        return refuse(ErrorCode.BAD_SIGNATURE, "the Slack signature does not match");
      }
      return Future.succeededFuture(found.get());
    });
  }

  private static <T> Future<T> refuse(ErrorCode code, String detail) {
    return Future.failedFuture(new SwitchboardException(code, detail));
  }
}
