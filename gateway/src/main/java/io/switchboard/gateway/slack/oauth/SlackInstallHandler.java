package io.switchboard.gateway.slack.oauth;

import io.switchboard.gateway.slack.SlackApp;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * {@code GET /slack/install}: sends the browser to Slack's OAuth v2 authorize page with the app's
 * client id, its bot scopes and a signed {@link OAuthState}: a fresh one (the workspace gets a new
 * tenant), or the one in {@code ?link=} that a tenant's admin got from the admin API (the workspace
 * joins that tenant). The state's payload is also set in a short-lived cookie, so the callback
 * accepts only the browser that started the flow. Answers 503 when no OAuth client is configured,
 * 400 for a bad or expired link.
 */
public final class SlackInstallHandler implements Handler<RoutingContext> {

  static final String STATE_COOKIE = "switchboard_slack_state";

  private final SlackApp app;
  private final OAuthState states;
  private final Clock clock;

  public SlackInstallHandler(SlackApp app, OAuthState states, Clock clock) {
    this.app = app;
    this.states = states;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!app.oauthEnabled()) {
      InstallPages.send(ctx, 503, "Installing is not available",
          "This Switchboard has no Slack OAuth client configured. Ask its operator to set "
              + "SWITCHBOARD_SLACK_CLIENT_ID and SWITCHBOARD_SLACK_CLIENT_SECRET.");
      return;
    }
    String link = ctx.request().getParam("link");
    if (link != null && states.verify(link, clock.instant()).flatMap(OAuthState.Claims::tenantId).isEmpty()) {
      InstallPages.send(ctx, 400, "Installation link expired or invalid",
          "This installation link is not valid or is older than ten minutes. Ask your admin for a new one.");
      return;
    }
    String state = link != null ? link : states.issue(clock.instant());
    String url = app.authorizeUrl() + (app.authorizeUrl().contains("?") ? "&" : "?")
        + "client_id=" + encode(app.clientId().orElseThrow())
        + "&scope=" + encode(String.join(",", app.scopes()))
        + "&state=" + encode(state)
        + app.redirectUri().map(uri -> "&redirect_uri=" + encode(uri)).orElse("");
    Cookie cookie = Cookie.cookie(STATE_COOKIE, state.substring(0, state.indexOf('.')))
        .setPath("/slack/oauth").setHttpOnly(true).setSameSite(CookieSameSite.LAX)
        .setMaxAge(OAuthState.LIFETIME.toSeconds())
        .setSecure(app.redirectUri().map(uri -> uri.startsWith("https://")).orElse(false));
    ctx.response().addCookie(cookie).putHeader("Cache-Control", "no-store")
        .putHeader("Location", url).setStatusCode(302).end();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
