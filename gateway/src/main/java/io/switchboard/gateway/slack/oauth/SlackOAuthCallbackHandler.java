package io.switchboard.gateway.slack.oauth;

import io.switchboard.gateway.slack.SlackApp;
import io.switchboard.gateway.slack.webapi.SlackApiFailure;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code GET /slack/oauth/callback}: where Slack sends the browser back after the person approved
 * (or cancelled) the installation. Checks the signed, unexpired {@link OAuthState} against the
 * browser's cookie and redeems it once, exchanges the code with {@code oauth.v2.access}, and hands
 * the result to {@link SlackInstaller}. Success is a page that names the tenant and, after a public
 * install, says how its admin gets an admin API token from the operator. Every failure is a page
 * that says what happened: 400 for a bad, expired, used or cancelled request, 502 when Slack
 * refuses, 503 when installing is not configured or the store is unavailable.
 */
public final class SlackOAuthCallbackHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(SlackOAuthCallbackHandler.class);

  private final SlackApp app;
  private final OAuthState states;
  private final OAuthStateRedemptions redemptions;
  private final SlackWebApi slack;
  private final SlackInstaller installer;
  private final Clock clock;

  public SlackOAuthCallbackHandler(SlackApp app, OAuthState states,
                                   OAuthStateRedemptions redemptions, SlackWebApi slack, SlackInstaller installer,
                                   Clock clock) {
    this.app = app;
    this.states = states;
    this.redemptions = redemptions;
    this.slack = slack;
    this.installer = installer;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!app.oauthEnabled()) {
      InstallPages.send(ctx, 503, "Installing is not available", "This Switchboard has no Slack OAuth client configured.");
      return;
    }
    String error = ctx.request().getParam("error");
    if (error != null) {
      InstallPages.send(ctx, 400, "Installation cancelled", "Slack reported: " + error + ". Nothing was installed.");
      return;
    }
    String state = ctx.request().getParam("state");
    String code = ctx.request().getParam("code");
    Optional<OAuthState.Claims> claims = states.verify(state, clock.instant());
    if (claims.isEmpty() || code == null || code.isBlank() || code.length() > 256) {
      InstallPages.send(ctx, 400, "Installation link expired or invalid",
          "This link is not valid or is older than ten minutes. Start again from the install page.");
      return;
    }
    Cookie cookie = ctx.request().getCookie(SlackInstallHandler.STATE_COOKIE);
    if (cookie == null || !state.startsWith(cookie.getValue() + ".")) {
      InstallPages.send(ctx, 400, "Installation started elsewhere",
          "This installation was not started in this browser. Start again from the install page.");
      return;
    }
    redemptions.redeem(claims.get())
        .compose(first -> {
          if (!first) {
            InstallPages.send(ctx, 400, "Installation link already used",
                "This link has been used once already. Start again from the install page.");
            return io.vertx.core.Future.succeededFuture();
          }
          return slack.oauthV2Access(app.clientId().orElseThrow(), app.clientSecret().orElseThrow(), code,
                  app.redirectUri())
              .map(OAuthInstallation::from)
              .compose(installation -> installer.install(installation, claims.get().tenantId()))
              .onSuccess(installed -> InstallPages.installed(ctx, installed, claims.get().tenantId().isPresent(),
                  publicBaseUrl(ctx)))
              .mapEmpty();
        })
        .onFailure(failure -> fail(ctx, failure));
  }

  /**
   * Where people reach this Switchboard: the origin of the registered redirect URL (the public
   * address, also behind a proxy), else of this request; a placeholder when neither is usable.
   */
  private String publicBaseUrl(RoutingContext ctx) {
    try {
      URI uri = URI.create(app.redirectUri().orElseGet(() -> ctx.request().absoluteURI()));
      if (uri.getScheme() != null && uri.getRawAuthority() != null) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
      }
    } catch (IllegalArgumentException | NullPointerException unusable) {
      LOG.debug("No usable base URL for the install page: {}", unusable.toString());
    }
    return "https://<switchboard-host>";
  }

  private static void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof SlackApiFailure slackFailure) {
      LOG.warn("Slack refused an installation: {}", slackFailure.getMessage());
      InstallPages.send(ctx, 502, "Slack refused the installation",
          "Slack answered: " + slackFailure.error() + ". Start again from the install page.");
    } else if (failure instanceof SlackInstaller.BoundElsewhere elsewhere) {
      InstallPages.send(ctx, 409, "Workspace belongs to another tenant", elsewhere.getMessage());
    } else if (failure instanceof IllegalArgumentException bad) {
      LOG.warn("Slack's installation answer was unusable: {}", bad.getMessage());
      InstallPages.send(ctx, 502, "Slack's answer was unusable", bad.getMessage());
    } else {
      LOG.warn("Completing a Slack installation failed", failure);
      InstallPages.send(ctx, 503, "Installation could not be completed",
          "Switchboard could not store the installation just now. Try again in a minute.");
    }
  }
}
