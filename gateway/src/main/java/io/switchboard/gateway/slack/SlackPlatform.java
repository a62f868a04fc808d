package io.switchboard.gateway.slack;

import io.switchboard.gateway.approval.Approval;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.notify.ChannelNotificationDelivery;
import io.switchboard.gateway.notify.ChannelNotifications;
import io.switchboard.gateway.notify.NotificationOutbox;
import io.switchboard.gateway.platform.ChatPlatform;
import io.switchboard.gateway.platform.OwnAppCredentials;
import io.switchboard.gateway.platform.GatewayServices;
import io.switchboard.gateway.platform.ReplyDestination;
import io.switchboard.gateway.platform.WorkspaceOwnership;
import io.switchboard.gateway.progress.JobMessageProgress;
import io.switchboard.gateway.slack.oauth.OAuthState;
import io.switchboard.gateway.slack.oauth.OAuthStateRedemptions;
import io.switchboard.gateway.slack.oauth.SlackInstallHandler;
import io.switchboard.gateway.slack.oauth.SlackInstallLinksApi;
import io.switchboard.gateway.slack.oauth.SlackInstaller;
import io.switchboard.gateway.slack.oauth.SlackOAuthCallbackHandler;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.switchboard.tenancy.InstallationDirectory;
import io.switchboard.tenancy.SlackInstallation;
import io.switchboard.tenancy.SlackSigningSecrets;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Slack, assembled: slash commands ({@code /slack/commands}, with forms for incomplete commands),
 * interactions ({@code /slack/interactions}: approval votes, Cancel and Rerun, form submissions),
 * the Events API ({@code /slack/events}: mentions, direct messages, uninstalls), OAuth installation of
 * the shared app ({@code /slack/install}, {@code /slack/oauth/callback}, and the admin API's install
 * links), the app manifest of this deployment ({@code /slack/manifest}); results through the command's {@code response_url} ({@value SlackResponseUrlResults#KIND}) or
 * as one message edited in place ({@value SlackJobMessages#REPLY_KIND}), progress, notifications, and
 * the own-app proof of {@code POST /api/v1/installations}.
 */
public final class SlackPlatform implements ChatPlatform {

  public static final String COMMANDS_PATH = "/slack/commands";
  public static final String INTERACTIONS_PATH = "/slack/interactions";
  public static final String EVENTS_PATH = "/slack/events";
  public static final String INSTALL_PATH = "/slack/install";
  public static final String OAUTH_CALLBACK_PATH = "/slack/oauth/callback";
  public static final String MANIFEST_PATH = "/slack/manifest";

  private final SlackSettings settings;
  private final GatewayServices services;
  private final SlackWebApi api;
  private final SlackBotTokens botTokens;
  private final SlackSigningSecrets signingSecrets;
  private final SlackMessagePoster poster;
  private final SlackJobMessages jobMessages;
  private final SlackEventAnswers eventAnswers;
  private final SlackRequestAuthenticator authenticator;
  private final SlackGroupMemberships groups;
  private final OAuthState installStates;

  SlackPlatform(SlackSettings settings, GatewayServices services) {
    this.settings = settings;
    this.services = services;
    api = new SlackWebApi(services.vertx(), settings.app().apiUrl(), services.metrics());
    botTokens = new SlackBotTokens(services.secrets());
    signingSecrets = new SlackSigningSecrets(services.secrets());
    poster = new SlackMessagePoster(services.http());
    jobMessages = new SlackJobMessages(services.jobMessages(), services.jobMessageSteps(), api, botTokens,
        services.pacer());
    eventAnswers = new SlackEventAnswers(api, botTokens, jobMessages, services.answers());
    InstallationDirectory directory =
        new InstallationDirectory(services.pool(), signingSecrets, InstallationDirectory.DEFAULT_TTL);
    services.installationChanges().keepFresh(SlackInstallation.PLATFORM, directory::evictSlackTeam,
        directory::evictAll);
    authenticator = new SlackRequestAuthenticator(directory, settings.signingSecret(), services.clock());
    groups = new SlackGroupMemberships(api, botTokens, services.clock());
    installStates = new OAuthState(settings.app().stateSecret().orElse(""));
  }

  @Override
  public String name() {
    return SignedSlackEndpoint.PLATFORM;
  }

  @Override
  public void mount(Router router) {
    Clock clock = services.clock();
    CommandPipeline pipeline = services.pipelines().forPlatform(name()).withGroupMemberships(groups);
    SlackResponseUrls responseUrls = new SlackResponseUrls(settings.responseUrlPrefixes());
    router.post(COMMANDS_PATH).handler(new SlashCommandHandler(authenticator, pipeline, responseUrls,
        new CommandFormOpener(api, botTokens), services.metrics()));
    router.post(INTERACTIONS_PATH).handler(new SlackInteractionHandler(authenticator, services.policies(),
        services.approvals(), responseUrls, poster, services.metrics(), clock, groups,
        new SlackJobClicks(services.pool(), services.cancellations(), pipeline, eventAnswers, poster), pipeline));
    router.post(EVENTS_PATH).handler(new SlackEventsHandler(authenticator, new SlackEventLog(services.pool()),
        pipeline, eventAnswers, new SlackUninstalls(services.pool(), botTokens, signingSecrets,
            services.installationChanges()), services.metrics()));
    router.get(INSTALL_PATH).handler(new SlackInstallHandler(settings.app(), installStates, clock));
    router.get(OAUTH_CALLBACK_PATH).handler(new SlackOAuthCallbackHandler(settings.app(), installStates,
        new OAuthStateRedemptions(services.pool()), api,
        new SlackInstaller(services.pool(), botTokens, signingSecrets, services.installationChanges()), clock));
    router.get(MANIFEST_PATH).handler(new SlackManifestHandler(settings.publicUrl(), settings.app()));
  }

  @Override
  public void mountAdmin(Router router) {
    new SlackInstallLinksApi(settings.app(), installStates, services.clock()).mount(router);
  }

  @Override
  public List<ReplyDestination> replyDestinations() {
    return List.of(
        new ReplyDestination(SlackResponseUrlResults.KIND, new SlackResponseUrlResults(services.http(),
            services.pacer()),
            expired -> poster.post(expired.replyTo().getString("url"), SlackMessages.of(expiryNotice(expired)))),
        new ReplyDestination(SlackJobMessages.REPLY_KIND, new SlackJobResults(jobMessages,
            new SlackJobFiles(services.pool(), api, botTokens, services.pacer())),
            expired -> eventAnswers.post(expired.tenantId(), expired.replyTo(), expiryNotice(expired))));
  }

  @Override
  public Optional<WorkspaceOwnership> ownership() {
    return Optional.of(new SlackOwnAppProof(api, botTokens));
  }

  @Override
  public Optional<OwnAppCredentials> ownApp() {
    return Optional.of(new SlackOwnApp(signingSecrets));
  }

  @Override
  public Optional<ChannelNotifications> notifications(NotificationOutbox outbox, Clock clock) {
    return Optional.of(new ChannelNotifications(new ChannelNotificationDelivery<>(
        new SlackNotificationChannel(api, botTokens), outbox, services.pacer(), services.metrics(), clock),
        botTokens::find));
  }

  @Override
  public Optional<JobMessageProgress.Editor> progressEditor() {
    return Optional.of(jobMessages::progress);
  }

  @Override
  public Future<Void> stop() {
    return api.close();
  }

  private static ChatMessage expiryNotice(Approval expired) {
    return ApprovalMessages.decided(expired, List.of());
  }
}
