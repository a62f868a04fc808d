package io.switchboard.gateway.slack;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Posts a message to a Slack {@code response_url} (already checked by {@link SlackResponseUrls}),
 * for updates that are not job results: approval cards and answers to button clicks. A failed post
 * is logged, not retried: the state it shows is durable and readable with {@code job}, {@code jobs}
 * and the API.
 */
public final class SlackMessagePoster {

  private static final Logger LOG = LoggerFactory.getLogger(SlackMessagePoster.class);
  private static final Duration POST_TIMEOUT = Duration.ofSeconds(10);

  private final WebClient client;

  public SlackMessagePoster(WebClient client) {
    this.client = client;
  }

  public Future<Void> post(String responseUrl, JsonObject message) {
    return client.postAbs(responseUrl).timeout(POST_TIMEOUT.toMillis()).sendJsonObject(message)
        .<Void>map(response -> {
          if (response.statusCode() / 100 != 2) {
            LOG.warn("Slack answered HTTP {} to a message update", response.statusCode());
          }
          return null;
        })
        .onFailure(e -> LOG.warn("Posting a message update to Slack failed: {}", e.toString()));
  }
}
