package io.switchboard.gateway.teams;

import com.microsoft.bot.connector.authentication.ChannelValidation;
import com.microsoft.bot.connector.authentication.ClaimsIdentity;
import com.microsoft.bot.connector.authentication.CredentialProvider;
import com.microsoft.bot.connector.authentication.JwtTokenValidation;
import com.microsoft.bot.connector.authentication.SimpleChannelProvider;
import com.microsoft.bot.connector.authentication.SimpleCredentialProvider;
import com.microsoft.bot.schema.Activity;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Checks the {@code Authorization} JWT of an incoming activity the way the Bot Framework requires,
 * with the Bot Framework SDK's own validation ({@link JwtTokenValidation}): issuer
 * {@code https://api.botframework.com}, audience = the bot's app id, expiry with 5 minutes of clock
 * skew, an RS256 signature by a key from the OpenID metadata that is endorsed for the activity's
 * channel, and a {@code serviceurl} claim equal to the activity's {@code serviceUrl}. The SDK blocks
 * (it fetches and caches the metadata), so every check runs on the {@value #POOL} worker pool.
 * Any failure is a 401; nothing about the activity is acted on before this succeeds.
 */
public final class TeamsRequestAuthenticator implements AutoCloseable {

  static final String POOL = "switchboard-teams-auth";
  private static final Logger LOG = LoggerFactory.getLogger(TeamsRequestAuthenticator.class);
  private static final long TIMEOUT_SECONDS = 20;

  private final WorkerExecutor workers;
  private final CredentialProvider credentials;

  /**
   * Points the SDK's (JVM-wide) OpenID metadata URL at the configured one. The app must be
   * configured ({@link TeamsApp#enabled()}): without an app id the SDK would accept unsigned requests.
   */
  public TeamsRequestAuthenticator(Vertx vertx, TeamsApp app) {
    if (!app.enabled()) {
      throw new IllegalArgumentException("the Teams bot needs SWITCHBOARD_TEAMS_APP_ID and _APP_PASSWORD");
    }
    ChannelValidation.setOpenIdMetaDataUrl(app.openIdMetadataUrl());
    this.credentials = new SimpleCredentialProvider(app.appId().orElseThrow(), app.appPassword().orElseThrow());
    this.workers = vertx.createSharedWorkerExecutor(POOL, 4);
  }

  /** Succeeds when {@code authorization} proves the Bot Framework sent this activity; else fails with a 401. */
  public Future<Void> authenticate(TeamsActivity activity, String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return Future.failedFuture(new SwitchboardException(ErrorCode.MISSING_SIGNATURE, "no Authorization header"));
    }
    Activity checked = new Activity(activity.type());
    checked.setChannelId(activity.channelId());
    checked.setServiceUrl(activity.serviceUrl());
    return workers.<ClaimsIdentity>executeBlocking(() -> JwtTokenValidation.authenticateRequest(checked, authorization,
            credentials, new SimpleChannelProvider()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS), false)
        .<Void>transform(ar -> {
          if (ar.succeeded() && ar.result() != null && ar.result().isAuthenticated()) {
            return Future.succeededFuture();
          }
          Throwable cause = ar.failed() ? ar.cause() : null;
          LOG.debug("Refused a Bot Framework activity: {}", cause == null ? "not authenticated" : cause.toString());
          return Future.failedFuture(new SwitchboardException(ErrorCode.BAD_SIGNATURE,
              "the activity's token is not valid for this bot"));
        });
  }

  @Override
  public void close() {
    workers.close();
  }
}
