package io.switchboard.gateway.teams;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.http.MediaTypes;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.core.http.RawBody;
import io.switchboard.tenancy.WorkspaceClaims;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code POST /api/messages}: Bot Framework activities from Teams, step by step:
 * <ol>
 *   <li>read at most 256 KiB ({@link RawBody}); JSON only (415);</li>
 *   <li>parse the activity strictly (400 naming the field, {@link TeamsActivity});</li>
 *   <li>authenticate its JWT with the Bot Framework SDK ({@link TeamsRequestAuthenticator}; 401, and
 *       nothing else happens);</li>
 *   <li>act: {@code conversationUpdate} naming the bot installs or uninstalls
 *       ({@link TeamsInstallations}), remembering the Teams tenant's {@code serviceUrl} for proactive
 *       messages ({@link TeamsServiceUrls}, also on every message from an installed Teams tenant); a {@code message} that is exactly {@code verify <claim code>}
 *       binds the Teams tenant when an administrator sent it ({@link TeamsWorkspaceClaims}); any other
 *       {@code message} from an installed Teams tenant is a command or a card click
 *       ({@link TeamsCommands}); anything else, or another channel than Teams, is acknowledged and
 *       ignored;</li>
 *   <li>answer 200 once everything durable is written; replies go through the connector after it.</li>
 * </ol>
 */
public final class TeamsMessagesHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(TeamsMessagesHandler.class);
  static final int MAX_BODY_BYTES = 256 * 1024;
  private static final Pattern TEAMS_TENANT = Pattern.compile("^[A-Za-z0-9-]{1,56}$");
  private static final String PLATFORM = TeamsJobActivities.PLATFORM;

  private final TeamsRequestAuthenticator authenticator;
  private final TeamsInstallationDirectory directory;
  private final TeamsServiceUrls serviceUrls;
  private final TeamsInstallations installations;
  private final TeamsCommands commands;
  private final TeamsWorkspaceClaims claims;
  private final GatewayMetrics metrics;

  TeamsMessagesHandler(TeamsRequestAuthenticator authenticator, TeamsInstallationDirectory directory,
                       TeamsServiceUrls serviceUrls, TeamsInstallations installations, TeamsCommands commands, TeamsWorkspaceClaims claims,
                       GatewayMetrics metrics) {
    this.authenticator = authenticator;
    this.directory = directory;
    this.serviceUrls = serviceUrls;
    this.installations = installations;
    this.commands = commands;
    this.claims = claims;
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    metrics.received(PLATFORM);
    String contentType = ctx.request().getHeader("Content-Type");
    if (!MediaTypes.isJson(contentType)) {
      fail(ctx, new SwitchboardException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "/api/messages takes application/json"));
      return;
    }
    String authorization = ctx.request().getHeader("Authorization");
    RawBody.read(ctx.request(), MAX_BODY_BYTES)
        .map(TeamsActivity::parse)
        .compose(activity -> authenticator.authenticate(activity, authorization).compose(v -> act(activity)))
        .onSuccess(v -> {
          ctx.response().setStatusCode(200).end();
          metrics.acknowledged(start);
        })
        .onFailure(failure -> fail(ctx, failure));
  }

  private Future<Void> act(TeamsActivity activity) {
    if (!activity.fromTeams()) {
      return Future.succeededFuture();
    }
    boolean forBot = activity.type().equals(TeamsActivity.CONVERSATION_UPDATE)
        && (activity.membersAdded().contains(activity.recipientId())
            || activity.membersRemoved().contains(activity.recipientId()));
    if (!forBot && !activity.type().equals(TeamsActivity.MESSAGE)) {
      return Future.succeededFuture();
    }
    String teamsTenant = activity.teamsTenantId().filter(id -> TEAMS_TENANT.matcher(id).matches())
        .orElseThrow(() -> new SwitchboardException(ErrorCode.MALFORMED_REQUEST,
            "channelData.tenant.id is missing or not a tenant id"));
    String by = activity.fromAadObjectId().orElse(null);
    if (forBot) {
      return activity.membersAdded().contains(activity.recipientId())
          ? installations.added(teamsTenant, by, activity.conversationId())
              .compose(tenant -> rememberServiceUrl(tenant, teamsTenant, activity))
          : installations.removed(teamsTenant, by, activity.conversationId());
    }
    Optional<String> claimCode = activity.value().isPresent() ? Optional.empty()
        : WorkspaceClaims.codeIn(TeamsMention.strip(activity.text(), activity.entities(), activity.recipientId()));
    if (claimCode.isPresent()) {
      return claims.verify(teamsTenant, activity, claimCode.get());
    }
    return directory.tenantOf(teamsTenant).compose(tenant -> {
      if (tenant.isEmpty()) {
        metrics.refused(PLATFORM, "unknown_workspace");
        LOG.info("A message from Teams tenant {}, which has no enabled installation, was ignored", teamsTenant);
        return Future.succeededFuture();
      }
      return rememberServiceUrl(tenant.get(), teamsTenant, activity)
          .compose(v -> commands.handle(tenant.get(), teamsTenant, activity));
    });
  }

  /**
   * Remembers where the Teams tenant's connector is, for proactive messages: the activity is signed
   * and its {@code serviceUrl} is the token's claim. Not remembering it costs only notifications, so a
   * failure is logged and the activity handled.
   */
  private Future<Void> rememberServiceUrl(String tenantId, String teamsTenant, TeamsActivity activity) {
    return serviceUrls.remember(tenantId, teamsTenant, activity.serviceUrl()).recover(e -> {
      LOG.warn("The serviceUrl of Teams tenant {} (tenant {}) was not remembered: {}", teamsTenant, tenantId,
          e.getMessage());
      return Future.succeededFuture();
    });
  }

  private void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof SwitchboardException refusal) {
      metrics.refused(PLATFORM, refusal.code().wire());
      ctx.fail(refusal);
      return;
    }
    LOG.warn("Handling a Teams activity failed", failure);
    ctx.fail(new SwitchboardException(ErrorCode.DATABASE_UNAVAILABLE,
        "the activity could not be handled now; the Bot Framework may retry it"));
  }
}
