package io.switchboard.gateway.discord;

import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.gateway.notify.ChannelNotificationDelivery;
import io.switchboard.gateway.notify.ChannelNotifications;
import io.switchboard.gateway.notify.NotificationOutbox;
import io.switchboard.gateway.platform.ChatPlatform;
import io.switchboard.gateway.platform.OwnAppCredentials;
import io.switchboard.gateway.platform.GatewayServices;
import io.switchboard.gateway.platform.ReplyDestination;
import io.switchboard.gateway.progress.JobMessageProgress;
import io.switchboard.tenancy.InstallationDirectory;
import io.vertx.ext.web.Router;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Discord, assembled: {@code POST /discord/interactions} ({@link DiscordInteractionsHandler}: application
 * commands through the shared pipeline, approval, Cancel and Rerun buttons), results and approval
 * expiries shown by editing the interaction's original response ({@value InteractionWebhook#REPLY_KIND}),
 * the progress lines the gateway takes for them, and notifications posted as the guild's bot
 * ({@link DiscordNotificationChannel}).
 */
public final class DiscordPlatform implements ChatPlatform {

  private final GatewayServices services;
  private final DiscordApi api;
  private final DiscordBotTokens botTokens;
  private final DiscordAnswers answers;
  private final DiscordJobMessages messages;
  private final DiscordInteractionsHandler handler;

  DiscordPlatform(DiscordSettings settings, GatewayServices services) {
    this.services = services;
    api = new DiscordApi(services.vertx(), services.http(), settings.app().apiUrl(), services.metrics());
    botTokens = new DiscordBotTokens(services.secrets());
    answers = new DiscordAnswers(api, services.answers(), services.clock());
    messages = new DiscordJobMessages(services.jobMessages(), services.jobMessageSteps(), api, botTokens,
        services.clock(), services.pacer());
    DiscordGuilds guilds = new DiscordGuilds(services.pool(), InstallationDirectory.DEFAULT_TTL);
    services.installationChanges().keepFresh(DiscordCommands.PLATFORM, guilds::evict, guilds::evictAll);
    DiscordRequestAuthenticator authenticator = new DiscordRequestAuthenticator(guilds,
        settings.app().applicationId(), settings.app().publicKey(), services.clock());
    DiscordCommands commands = new DiscordCommands(services.pipelines().forPlatform(DiscordCommands.PLATFORM),
        answers, messages, services.claims(), services.clock());
    handler = new DiscordInteractionsHandler(authenticator, commands,
        new DiscordApprovalClicks(services.policies(), services.approvals(), answers, messages, services.clock()),
        new DiscordJobClicks(services.pool(), services.cancellations(), commands), services.metrics());
  }

  @Override
  public String name() {
    return DiscordCommands.PLATFORM;
  }

  @Override
  public void mount(Router router) {
    router.post("/discord/interactions").handler(handler);
  }

  @Override
  public List<ReplyDestination> replyDestinations() {
    return List.of(new ReplyDestination(InteractionWebhook.REPLY_KIND, new DiscordJobResults(messages),
        expired -> answers.edit(expired.tenantId(), expired.requester(), expired.replyTo(),
            DiscordText.of(ApprovalMessages.decided(expired, List.of())))));
  }

  /** Notifications posted as the guild's bot (a target whose guild has no stored bot token is refused). */
  @Override
  public Optional<ChannelNotifications> notifications(NotificationOutbox outbox, Clock clock) {
    return Optional.of(new ChannelNotifications(new ChannelNotificationDelivery<>(
        new DiscordNotificationChannel(api, botTokens), outbox, services.pacer(), services.metrics(), clock),
        botTokens::find));
  }

  /** A tenant's own Discord application, named by its application id and public key. */
  @Override
  public Optional<OwnAppCredentials> ownApp() {
    return Optional.of(new DiscordOwnApp());
  }

  @Override
  public Optional<JobMessageProgress.Editor> progressEditor() {
    return Optional.of(messages::progress);
  }
}
