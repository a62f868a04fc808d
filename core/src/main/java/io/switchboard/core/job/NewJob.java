package io.switchboard.core.job;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Optional;

/**
 * A job as the gateway asks for it, before it has an id.
 *
 * @param idempotencyKey unique per tenant; derived from the platform's delivery so that a retried
 *                       delivery of the same request makes no second job
 * @param replyTo        where the result goes (platform specific, e.g. a Slack {@code response_url});
 *                       never shown through the API
 * @param timeout        how long one attempt may run; empty means the executor's default
 * @param maxAttempts    how many attempts a retryable failure may take; empty means the default (3)
 */
public record NewJob(
    String tenantId,
    String idempotencyKey,
    String platform,
    String requester,
    String channel,
    String command,
    String commandText,
    String action,
    JsonObject arguments,
    JsonObject replyTo,
    Optional<Duration> timeout,
    Optional<Integer> maxAttempts) {

  /** A job with the queue's default timeout and attempts. */
  public NewJob(String tenantId, String idempotencyKey, String platform, String requester, String channel,
                String command, String commandText, String action, JsonObject arguments, JsonObject replyTo) {
    this(tenantId, idempotencyKey, platform, requester, channel, command, commandText, action, arguments, replyTo,
        Optional.empty(), Optional.empty());
  }
}
