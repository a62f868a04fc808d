package io.switchboard.gateway.teams;

import io.switchboard.core.db.Rows;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.pacing.ChannelKey;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.pacing.Outbound;
import io.switchboard.gateway.progress.JobMessageSteps;
import io.switchboard.gateway.reply.JobButtons;
import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.Optional;

/**
 * The one Teams activity (an Adaptive Card) of a job started from Teams: posted once as a reply to
 * the command, remembered in {@code teams_job_activities} (by tenant and job), and then replaced in
 * place for progress and for the result, never posted again. Work on one job's activity runs one
 * step at a time, and progress lines that arrive meanwhile collapse into the latest; of several
 * gateways (each hears every line), only the one that records a line as shown updates the
 * activity. Every reply and replacement waits for its conversation's turn in the {@link ChannelPacer}.
 * Use from one event loop (the gateway verticle's).
 */
public final class TeamsJobActivities {

  static final String PLATFORM = "teams";

  private static final String FIND = """
      SELECT service_url, conversation_id, activity_id FROM teams_job_activities WHERE tenant_id = $1 AND job_id = $2""";

  /** Takes the line for this gateway if the job still runs, the line is its latest, and no gateway showed it. */
  private static final String TAKE_PROGRESS = """
      UPDATE teams_job_activities a SET progress = $3
      FROM jobs j
      WHERE a.tenant_id = $1 AND a.job_id = $2 AND j.tenant_id = a.tenant_id AND j.id = a.job_id
        AND j.status = 'running' AND j.progress = $3 AND a.progress IS DISTINCT FROM $3
      RETURNING a.service_url, a.conversation_id, a.activity_id, j.command_text""";

  private static final String REMEMBER = """
      INSERT INTO teams_job_activities (tenant_id, job_id, service_url, conversation_id, activity_id)
      VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, job_id) DO NOTHING""";

  private final Pool pool;
  private final TeamsConnector connector;
  private final GatewayMetrics metrics;
  private final ChannelPacer pacer;
  private final JobMessageSteps steps = new JobMessageSteps();

  public TeamsJobActivities(Pool pool, TeamsConnector connector, GatewayMetrics metrics, ChannelPacer pacer) {
    this.pool = pool;
    this.pacer = pacer;
    this.connector = connector;
    this.metrics = metrics;
  }

  /** Shows {@code activity} as the job's: replaces it if the job has one, else replies and remembers it. */
  public Future<Void> show(String tenantId, long jobId, TeamsReplyTo replyTo, JsonObject activity) {
    return steps.serially(tenantId, jobId, () -> find(tenantId, jobId).compose(found -> found.isPresent()
        ? pacer.submit(channel(tenantId, found.get().getString("service_url"), found.get().getString("conversation_id")),
            Outbound.RESULT, found.get().getString("activity_id"),
            () -> connector.update(found.get().getString("service_url"), found.get().getString("conversation_id"),
                found.get().getString("activity_id"), activity))
        : pacer.submit(channel(tenantId, replyTo.serviceUrl(), replyTo.conversationId()), Outbound.RESULT, null,
                () -> connector.reply(replyTo.serviceUrl(), replyTo.conversationId(), replyTo.replyToId(), activity))
            .compose(id -> pool.preparedQuery(REMEMBER).execute(Tuple.of(tenantId, jobId, replyTo.serviceUrl(),
                replyTo.conversationId(), id)).<Void>mapEmpty())));
  }

  /**
   * Replaces a running job's activity with its latest progress line; does nothing for a job without
   * an activity, one that has ended (its result stands), or a line another gateway shows already.
   */
  public Future<Void> progress(String tenantId, long jobId, String line) {
    return steps.progress(tenantId, jobId, line, latest -> pool.preparedQuery(TAKE_PROGRESS)
        .execute(Tuple.of(tenantId, jobId, latest)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.<Void>succeededFuture();
          }
          Row row = rows.iterator().next();
          return pacer.submit(channel(tenantId, row.getString("service_url"), row.getString("conversation_id")),
              Outbound.PROGRESS, row.getString("activity_id"),
              () -> connector.update(row.getString("service_url"), row.getString("conversation_id"),
                  row.getString("activity_id"), TeamsCards.reply(ReplyMessage.progress(jobId, row.getString("command_text"), latest)
                      .withButtons(List.of(JobButtons.cancel(jobId))))));
        })).map(shown -> {
          if (!shown) {
            metrics.progressCoalesced(PLATFORM);
          }
          return null;
        });
  }

  private static ChannelKey channel(String tenantId, String serviceUrl, String conversationId) {
    return new ChannelKey(PLATFORM, tenantId, serviceUrl, conversationId);
  }

  private Future<Optional<Row>> find(String tenantId, long jobId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(tenantId, jobId)).map(rows -> Rows.first(rows, row -> row));
  }
}
