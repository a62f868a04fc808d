package io.switchboard.gateway.approval;

import io.switchboard.core.job.JobRules;
import io.switchboard.core.job.NewJob;
import io.switchboard.core.job.TargetLock;
import io.switchboard.jobs.JobStore;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * A command waiting for (or done waiting for) approval: what would run, the rule that holds it, and
 * how it ended. It carries everything its job needs, so approving it on any gateway node, after any
 * restart, makes exactly the job that was asked for. Its {@code traceParent} (the W3C traceparent of the
 * span that held the command, or null) and {@code correlationId} (the command's request's, or null) go
 * on that job, so the job continues the command's trace and log lines even though an approval click,
 * a later request, queues it.
 */
public record Approval(
    long id,
    String tenantId,
    String platform,
    String workspaceId,
    String requester,
    String channel,
    String command,
    String commandText,
    String action,
    JsonObject arguments,
    JobRules rules,
    JsonObject replyTo,
    String rule,
    int approvalsNeeded,
    String approverRole,
    String reason,
    Status status,
    Instant createdAt,
    Instant deadline,
    Optional<Instant> decidedAt,
    Optional<String> decidedBy,
    Optional<Long> jobId,
    String traceParent,
    String correlationId) {

  /** An approval outside any trace and without a correlation id. */
  public Approval(long id, String tenantId, String platform, String workspaceId, String requester, String channel,
                  String command, String commandText, String action, JsonObject arguments, JobRules rules,
                  JsonObject replyTo, String rule, int approvalsNeeded, String approverRole, String reason,
                  Status status, Instant createdAt, Instant deadline, Optional<Instant> decidedAt,
                  Optional<String> decidedBy, Optional<Long> jobId) {
    this(id, tenantId, platform, workspaceId, requester, channel, command, commandText, action, arguments, rules,
        replyTo, rule, approvalsNeeded, approverRole, reason, status, createdAt, deadline, decidedAt, decidedBy, jobId,
        null, null);
  }

  /** Where an approval stands; only {@code PENDING} takes votes. */
  public enum Status {
    PENDING, APPROVED, DENIED, EXPIRED;

    public String wire() {
      return name().toLowerCase();
    }

    public static Status fromWire(String wire) {
      return valueOf(wire.toUpperCase());
    }
  }

  /**
   * The columns {@link #fromRow} reads; queries name them instead of {@code *}, as prepared statements
   * are cached and a cached {@code *} fails once a migration adds a column.
   */
  static final String COLUMNS = "id, tenant_id, platform, workspace_id, requester, channel, command, command_text, "
      + "action, arguments, timeout_ms, max_attempts, target_lock, reply_to, rule, approvals_needed, approver_role, "
      + "reason, status, created_at, deadline, decided_at, decided_by, job_id, trace_parent, correlation_id";

  /** Maps a row of {@link #COLUMNS} from {@code approvals}. */
  static Approval fromRow(Row row) {
    Long timeoutMs = row.getLong("timeout_ms");
    Integer maxAttempts = row.getInteger("max_attempts");
    return new Approval(
        row.getLong("id"), row.getString("tenant_id"), row.getString("platform"), row.getString("workspace_id"),
        row.getString("requester"), row.getString("channel"), row.getString("command"), row.getString("command_text"),
        row.getString("action"), row.getJsonObject("arguments"),
        new JobRules(Optional.ofNullable(timeoutMs).map(Duration::ofMillis), Optional.ofNullable(maxAttempts),
            Optional.ofNullable(row.getJsonObject("target_lock")).map(TargetLock::fromJson)),
        row.getJsonObject("reply_to"), row.getString("rule"), row.getInteger("approvals_needed"),
        row.getString("approver_role"), row.getString("reason"), Status.fromWire(row.getString("status")),
        instant(row.getOffsetDateTime("created_at")), instant(row.getOffsetDateTime("deadline")),
        Optional.ofNullable(instant(row.getOffsetDateTime("decided_at"))), Optional.ofNullable(row.getString("decided_by")),
        Optional.ofNullable(row.getLong("job_id")), row.getString("trace_parent"), row.getString("correlation_id"));
  }

  /** The job this approval becomes; its result is posted to {@code replyTo}. */
  NewJob job(JsonObject replyTo) {
    return new NewJob(tenantId, JobStore.APPROVAL_KEY_PREFIX + id, platform, requester, channel, command, commandText, action,
        arguments, replyTo, rules, correlationId, traceParent);
  }

  /** The public JSON form (API): everything but the reply address. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id).put("tenant", tenantId).put("platform", platform).put("workspace", workspaceId)
        .put("requester", requester).put("channel", channel).put("command", command).put("commandText", commandText)
        .put("rule", rule).put("approvalsNeeded", approvalsNeeded).put("approverRole", approverRole)
        .put("reason", reason).put("status", status.wire()).put("createdAt", createdAt.toString())
        .put("deadline", deadline.toString()).put("decidedAt", decidedAt.map(Instant::toString).orElse(null))
        .put("decidedBy", decidedBy.orElse(null)).put("jobId", jobId.orElse(null));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
