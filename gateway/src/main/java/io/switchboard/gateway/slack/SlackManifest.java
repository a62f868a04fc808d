package io.switchboard.gateway.slack;

import io.switchboard.core.config.PublicUrl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Slack app manifest of this deployment (Slack's app manifest format, JSON), which creates the
 * shared Switchboard app at api.slack.com/apps → Create New App → From an app manifest: the request
 * URLs of the routes {@link SlackPlatform} mounts, under {@code SWITCHBOARD_PUBLIC_URL}; the bot scopes
 * of {@code SWITCHBOARD_SLACK_SCOPES}; and the events the gateway handles, each only when the scopes
 * allow it (Slack refuses a manifest whose events need a scope it does not ask for). It names no
 * secret: Slack makes the signing secret and OAuth client when it creates the app.
 */
public final class SlackManifest {

  /** The slash command this project documents and the install page names. */
  public static final String SLASH_COMMAND = "/ops";
  /** The app's and bot's name in Slack, as the install page calls it ({@code @Switchboard}). */
  public static final String APP_NAME = "Switchboard";

  /** Bot events the gateway handles (see {@link SlackEventsHandler}), each with the scope it needs, if any. */
  private static final List<List<String>> EVENTS = List.of(
      List.of("app_mention", "app_mentions:read"),
      List.of("message.im", "im:history"),
      List.of("app_uninstalled"),
      List.of("tokens_revoked"));
  private static final String COMMANDS_SCOPE = "commands";

  private SlackManifest() {
  }

  /**
   * The manifest for a gateway reached at {@code publicUrl} with the shared app's settings. The OAuth
   * redirect URL is the callback under the public URL, and also {@code SWITCHBOARD_SLACK_REDIRECT_URI}
   * when that names another (the gateway sends it in the OAuth steps, so Slack must know it).
   */
  public static JsonObject of(PublicUrl publicUrl, SlackApp app) {
    Set<String> scopes = new LinkedHashSet<>(app.scopes());
    Set<String> redirectUrls = new LinkedHashSet<>();
    redirectUrls.add(publicUrl.resolve(SlackPlatform.OAUTH_CALLBACK_PATH));
    app.redirectUri().ifPresent(redirectUrls::add);
    List<String> events = new ArrayList<>();
    for (List<String> event : EVENTS) {
      if (event.size() == 1 || scopes.contains(event.get(1))) {
        events.add(event.get(0));
      }
    }
    boolean directMessages = events.contains("message.im");

    JsonObject features = new JsonObject()
        .put("app_home", new JsonObject()
            .put("home_tab_enabled", false)
            .put("messages_tab_enabled", directMessages)
            .put("messages_tab_read_only_enabled", false))
        .put("bot_user", new JsonObject().put("display_name", APP_NAME).put("always_online", true));
    if (scopes.contains(COMMANDS_SCOPE)) {
      features.put("slash_commands", new JsonArray().add(new JsonObject()
          .put("command", SLASH_COMMAND)
          .put("url", publicUrl.resolve(SlackPlatform.COMMANDS_PATH))
          .put("description", "Run an operational command, checked against your organisation's policy")
          .put("usage_hint", "help | <command> [arguments]")
          .put("should_escape", false)));
    }
    return new JsonObject()
        .put("_metadata", new JsonObject().put("major_version", 1).put("minor_version", 1))
        .put("display_information", new JsonObject()
            .put("name", APP_NAME)
            .put("description", "ChatOps: run operational commands from Slack, with policy, approvals and an audit log")
            .put("background_color", "#1f2937"))
        .put("features", features)
        .put("oauth_config", new JsonObject()
            .put("redirect_urls", new JsonArray(new ArrayList<>(redirectUrls)))
            .put("scopes", new JsonObject().put("bot", new JsonArray(new ArrayList<>(scopes)))))
        .put("settings", new JsonObject()
            .put("event_subscriptions", new JsonObject()
                .put("request_url", publicUrl.resolve(SlackPlatform.EVENTS_PATH))
                .put("bot_events", new JsonArray(events)))
            .put("interactivity", new JsonObject()
                .put("is_enabled", true)
                .put("request_url", publicUrl.resolve(SlackPlatform.INTERACTIONS_PATH)))
            // Enterprise Grid org-wide installs work (the callback binds the organisation), but opting an
            // app in is the organisation admin's choice: docs/slack.md says where.
            .put("org_deploy_enabled", false)
            // The gateway takes requests over HTTP at the URLs above, not over a Socket Mode connection.
            .put("socket_mode_enabled", false)
            // Bot tokens are stored once per workspace and never refreshed: rotating tokens would expire.
            .put("token_rotation_enabled", false));
  }
}
