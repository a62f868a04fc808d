package io.switchboard.gateway.teams;

import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.notify.ChannelNotificationDelivery;
import io.switchboard.gateway.notify.NotificationChannel;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Teams' part of posting notifications ({@link ChannelNotificationDelivery} does the rest): a proactive
 * message to the channel's conversation through the Bot Framework connector at the Teams tenant's
 * remembered {@code serviceUrl} ({@link TeamsServiceUrls}): {@code POST
 * /v3/conversations/{conversationId}/activities} (answering the activity id), updated with {@code PUT
 * .../activities/{activityId}}; a 404 means the activity is gone; rendered by {@link TeamsCards#of}.
 */
final class TeamsNotificationChannel implements NotificationChannel<String> {

  private final TeamsConnector connector;
  private final TeamsServiceUrls serviceUrls;

  TeamsNotificationChannel(TeamsConnector connector, TeamsServiceUrls serviceUrls) {
    this.connector = connector;
    this.serviceUrls = serviceUrls;
  }

  @Override
  public String platform() {
    return TeamsJobActivities.PLATFORM;
  }

  @Override
  public Future<String> credentials(String tenantId, String teamsTenantId) {
    return serviceUrls.find(tenantId, teamsTenantId).compose(url -> url.isPresent()
        ? Future.succeededFuture(url.get())
        : Future.failedFuture(new IllegalStateException("no serviceUrl is known for Teams tenant " + teamsTenantId)));
  }

  @Override
  public Future<String> post(String serviceUrl, String conversationId, JsonObject activity) {
    return connector.send(serviceUrl, conversationId, activity);
  }

  @Override
  public Future<Void> edit(String serviceUrl, String conversationId, String activityId, JsonObject activity) {
    return connector.update(serviceUrl, conversationId, activityId, activity);
  }

  @Override
  public boolean messageGone(Throwable failure) {
    return failure instanceof TeamsConnectorFailure teamsFailure && teamsFailure.status() == 404;
  }

  @Override
  public JsonObject render(ChatMessage message) {
    return TeamsCards.of(message);
  }
}
