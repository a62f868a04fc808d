package io.switchboard.gateway.slack;

import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.notify.ChannelNotificationDelivery;
import io.switchboard.gateway.notify.NotificationChannel;
import io.switchboard.gateway.slack.webapi.SlackApiFailure;
import io.switchboard.gateway.slack.webapi.SlackWebApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * Slack's part of posting notifications ({@link ChannelNotificationDelivery} does the rest): the
 * workspace's bot token, {@code chat.postMessage} (the message id is its {@code ts}) and
 * {@code chat.update}; {@code message_not_found} means the message is gone; rendered by
 * {@link SlackMessages} as text and blocks.
 */
public final class SlackNotificationChannel implements NotificationChannel<String> {

  private final SlackWebApi slack;
  private final SlackBotTokens tokens;

  public SlackNotificationChannel(SlackWebApi slack, SlackBotTokens tokens) {
    this.slack = slack;
    this.tokens = tokens;
  }

  @Override
  public String platform() {
    return SignedSlackEndpoint.PLATFORM;
  }

  @Override
  public Future<String> credentials(String tenantId, String workspace) {
    return tokens.require(tenantId, workspace);
  }

  @Override
  public Future<String> post(String token, String channel, JsonObject message) {
    return slack.postMessage(token, channel, Optional.empty(), message);
  }

  @Override
  public Future<Void> edit(String token, String channel, String ts, JsonObject message) {
    return slack.update(token, channel, ts, message);
  }

  @Override
  public boolean messageGone(Throwable failure) {
    return failure instanceof SlackApiFailure slackFailure && "message_not_found".equals(slackFailure.error());
  }

  /** The arguments of {@code chat.postMessage} and {@code chat.update}: text and blocks. */
  @Override
  public JsonObject render(ChatMessage message) {
    return SlackMessages.forWebApi(SlackMessages.of(message));
  }
}
