package io.switchboard.gateway.slack.oauth;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.api.TenantTokenAuth;
import io.switchboard.gateway.slack.SlackApp;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code POST /api/v1/installations/slack-install-link}: a tenant admin's link that installs the
 * Slack app into a workspace bound to the caller's tenant (instead of a new tenant). The link holds a
 * signed {@link OAuthState} naming the tenant; it works once, for {@link OAuthState#LIFETIME}. 503
 * when no Slack OAuth client is configured.
 */
public final class SlackInstallLinksApi {

  private final SlackApp app;
  private final OAuthState states;
  private final Clock clock;

  public SlackInstallLinksApi(SlackApp app, OAuthState states, Clock clock) {
    this.app = app;
    this.states = states;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.post("/api/v1/installations/slack-install-link").handler(this::create);
  }

  private void create(RoutingContext ctx) {
    if (!app.oauthEnabled()) {
      ctx.fail(new SwitchboardException(ErrorCode.NOT_CONFIGURED, "no Slack OAuth client is configured"));
      return;
    }
    Instant now = clock.instant();
    String state = states.issue(now, Optional.of(TenantTokenAuth.tenantId(ctx)));
    URI called = URI.create(ctx.request().absoluteURI());
    String url = called.getScheme() + "://" + called.getRawAuthority() + "/slack/install?link="
        + URLEncoder.encode(state, StandardCharsets.UTF_8);
    ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("url", url).put("expiresAt", now.plus(OAuthState.LIFETIME).toString()).encode());
  }
}
