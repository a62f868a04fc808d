package io.switchboard.gateway.teams;

import io.switchboard.gateway.notify.ChannelNotifications;
import io.switchboard.gateway.notify.NotificationOutbox;
import io.switchboard.gateway.platform.ChatPlatform;
import io.switchboard.gateway.progress.JobMessageProgress;
import io.switchboard.gateway.platform.ReplyDestination;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Microsoft Teams as a {@link ChatPlatform}: the {@link TeamsBot} when the app is configured; without
 * one, {@code POST /api/messages} answers 503 and Teams answers nothing.
 */
public final class TeamsPlatform implements ChatPlatform {

  private final Optional<TeamsBot> bot;

  TeamsPlatform(Optional<TeamsBot> bot) {
    this.bot = bot;
  }

  @Override
  public String name() {
    return TeamsJobActivities.PLATFORM;
  }

  @Override
  public void mount(Router router) {
    TeamsBot.mount(router, bot);
  }

  @Override
  public List<ReplyDestination> replyDestinations() {
    return bot.map(b -> List.of(new ReplyDestination(TeamsReplyTo.KIND, b.replyChannel(), b::expired)))
        .orElse(List.of());
  }

  /** Notifications to channels when the bot is configured. */
  @Override
  public Optional<ChannelNotifications> notifications(NotificationOutbox outbox, Clock clock) {
    return bot.map(b -> b.notifications(outbox, clock));
  }

  @Override
  public Optional<JobMessageProgress.Editor> progressEditor() {
    return bot.map(TeamsBot::progressEditor);
  }

  @Override
  public Future<Void> stop() {
    return bot.map(TeamsBot::stop).orElse(Future.succeededFuture());
  }
}
