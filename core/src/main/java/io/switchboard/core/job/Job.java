package io.switchboard.core.job;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A stored job as the read API and the reply path see it; {@code progress} is the latest line it reported.
 * {@code approvedBy} names who approved the command it was made from, in vote order (empty for a job
 * no approval held, or one read without the jobs module's {@code JobStore.APPROVED_BY}).
 */
public record Job(
    long id,
    String tenantId,
    String platform,
    String requester,
    String channel,
    String command,
    String commandText,
    String action,
    JsonObject arguments,
    JsonObject replyTo,
    JobStatus status,
    int attempts,
    String output,
    String error,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    String progress,
    Instant progressAt,
    List<String> approvedBy) {

  public Job {
    approvedBy = approvedBy == null ? List.of() : List.copyOf(approvedBy);
  }

  /**
   * The columns {@link #fromRow} reads. Queries name them instead of {@code *}: prepared statements
   * are cached per connection, and PostgreSQL refuses to run a cached {@code SELECT *} once a
   * migration has added a column ("cached plan must not change result type").
   */
  public static final String COLUMNS = "id, tenant_id, platform, requester, channel, command, command_text, action, "
      + "arguments, reply_to, status, attempts, output, error, created_at, started_at, finished_at, progress, progress_at";

  /** {@link #COLUMNS}, each qualified with {@code alias}. */
  public static String columns(String alias) {
    return java.util.Arrays.stream(COLUMNS.split(", ")).map(column -> alias + "." + column)
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** Maps a row of {@link #COLUMNS} from {@code jobs}, and {@code approved_by} if the query selected it. */
  public static Job fromRow(Row row) {
    return new Job(
        row.getLong("id"),
        row.getString("tenant_id"),
        row.getString("platform"),
        row.getString("requester"),
        row.getString("channel"),
        row.getString("command"),
        row.getString("command_text"),
        row.getString("action"),
        row.getJsonObject("arguments"),
        row.getJsonObject("reply_to"),
        JobStatus.fromWire(row.getString("status")),
        row.getInteger("attempts"),
        row.getString("output"),
        row.getString("error"),
        instant(row.getOffsetDateTime("created_at")),
        instant(row.getOffsetDateTime("started_at")),
        instant(row.getOffsetDateTime("finished_at")),
        row.getString("progress"),
        instant(row.getOffsetDateTime("progress_at")),
        row.getColumnIndex("approved_by") < 0 ? List.of() : List.of(row.getArrayOfStrings("approved_by")));
  }

  /** The public JSON form: everything but the reply address, which can post into a channel. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("tenant", tenantId)
        .put("platform", platform)
        .put("requester", requester)
        .put("channel", channel)
        .put("command", command)
        .put("commandText", commandText)
        .put("status", status.wire())
        .put("attempts", attempts)
        .put("output", output)
        .put("error", error)
        .put("createdAt", text(createdAt))
        .put("startedAt", text(startedAt))
        .put("finishedAt", text(finishedAt))
        .put("progress", progress)
        .put("progressAt", text(progressAt));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }

  private static String text(Instant time) {
    return time == null ? null : time.toString();
  }
}
