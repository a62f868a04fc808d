package io.switchboard.gateway.discord;

import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.notify.ChannelNotificationDelivery;
import io.switchboard.gateway.notify.NotificationChannel;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Discord's part of posting notifications ({@link ChannelNotificationDelivery} does the rest): the
 * guild's bot token from the tenant's secret store ({@link DiscordBotTokens}), {@code POST
 * /channels/{channel.id}/messages} (answering the message id) and {@code PATCH
 * /channels/{channel.id}/messages/{message.id}}; a 404 {@code Unknown Message} (10008) means the
 * message is gone; rendered by {@link DiscordText#of} (content that pings no one).
 */
final class DiscordNotificationChannel implements NotificationChannel<String> {

  private final DiscordApi discord;
  private final DiscordBotTokens tokens;

  DiscordNotificationChannel(DiscordApi discord, DiscordBotTokens tokens) {
    this.discord = discord;
    this.tokens = tokens;
  }

  @Override
  public String platform() {
    return DiscordCommands.PLATFORM;
  }

  @Override
  public Future<String> credentials(String tenantId, String guildId) {
    return tokens.find(tenantId, guildId).compose(token -> token.isPresent()
        ? Future.succeededFuture(token.get())
        : Future.failedFuture(new IllegalStateException("the tenant stored no bot token for guild " + guildId)));
  }

  @Override
  public Future<String> post(String token, String channel, JsonObject message) {
    return discord.createMessage(token, channel, message);
  }

  @Override
  public Future<Void> edit(String token, String channel, String messageId, JsonObject message) {
    return discord.editMessage(token, channel, messageId, message);
  }

  @Override
  public boolean messageGone(Throwable failure) {
    return failure instanceof DiscordApiFailure discordFailure && discordFailure.status() == 404
        && discordFailure.code() == DiscordApiFailure.UNKNOWN_MESSAGE;
  }

  @Override
  public JsonObject render(ChatMessage message) {
    return DiscordText.of(message);
  }
}
