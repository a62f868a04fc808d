package io.switchboard.gateway.slack;

import io.switchboard.core.config.PublicUrl;
import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.http.Problems;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/**
 * {@code GET /slack/manifest}: this deployment's {@link SlackManifest}, made once from the settings.
 * Open to anyone, like {@code /slack/install} (which shows the client id and scopes): it holds URLs and
 * scopes, no secret. Its URLs come from {@code SWITCHBOARD_PUBLIC_URL} only, never from the request's
 * {@code Host}, which the caller chooses; without the setting it answers 503 {@code not_configured}.
 */
final class SlackManifestHandler implements Handler<RoutingContext> {

  private final Optional<Buffer> manifest;

  SlackManifestHandler(Optional<PublicUrl> publicUrl, SlackApp app) {
    this.manifest = publicUrl.map(url -> Buffer.buffer(SlackManifest.of(url, app).encodePrettily()));
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (manifest.isEmpty()) {
      Problems.send(ctx, ErrorCode.NOT_CONFIGURED, "This Switchboard does not know its public address, so it "
          + "cannot write the URLs of a Slack app manifest: set " + PublicUrl.VARIABLE + " to the https URL at "
          + "which Slack reaches its gateways (e.g. https://chatops.example.com) and restart them.");
      return;
    }
    ctx.response().putHeader("Content-Type", "application/json").end(manifest.get());
  }
}
