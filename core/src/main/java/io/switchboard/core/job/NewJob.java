package io.switchboard.core.job;

import io.vertx.core.json.JsonObject;

/**
 * A job as the gateway asks for it, before it has an id.
 *
 * @param idempotencyKey unique per tenant; derived from the platform's delivery so that a retried
 *                       delivery of the same request makes no second job
 * @param replyTo        where the result goes (platform specific, e.g. a Slack {@code response_url});
 *                       never shown through the API
 * @param rules          timeout, attempts and per-target lock from the command's catalog entry
 * @param correlationId  the correlation id of the chat request that queued it (for log lines), or null
 * @param traceParent    the W3C traceparent of the span that queued it (the executor and the reply
 *                       continue that trace), or null when tracing is off
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
    JobRules rules,
    String correlationId,
    String traceParent) {

  /** A job queued outside any trace. */
  public NewJob(String tenantId, String idempotencyKey, String platform, String requester, String channel,
                String command, String commandText, String action, JsonObject arguments, JsonObject replyTo,
                JobRules rules, String correlationId) {
    this(tenantId, idempotencyKey, platform, requester, channel, command, commandText, action, arguments, replyTo,
        rules, correlationId, null);
  }

  /** A job with no correlation id (not queued by a chat request, or by a test). */
  public NewJob(String tenantId, String idempotencyKey, String platform, String requester, String channel,
                String command, String commandText, String action, JsonObject arguments, JsonObject replyTo,
                JobRules rules) {
    this(tenantId, idempotencyKey, platform, requester, channel, command, commandText, action, arguments, replyTo,
        rules, null);
  }

  /** A job with the queue's default timeout and attempts, and no lock. */
  public NewJob(String tenantId, String idempotencyKey, String platform, String requester, String channel,
                String command, String commandText, String action, JsonObject arguments, JsonObject replyTo) {
    this(tenantId, idempotencyKey, platform, requester, channel, command, commandText, action, arguments, replyTo,
        JobRules.DEFAULTS);
  }
}
