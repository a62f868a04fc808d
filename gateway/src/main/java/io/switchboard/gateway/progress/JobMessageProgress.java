package io.switchboard.gateway.progress;

import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.progress.JobMessageStore.ProgressTaken;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;

/**
 * Shows progress lines on the jobs' messages of every platform: each line a gateway hears is taken
 * once ({@link JobMessageStore#takeProgress}) as a step of the job's {@link JobMessageSteps}, and the
 * platform the taken message is on edits it. One taker for all platforms because the messages share
 * one table: a line taken by a platform other than the job's would be lost to the job's own. Lines
 * that arrive while a step of the job runs collapse into the latest; they are counted as coalesced
 * ({@link GatewayMetrics#progressCoalesced}) for the message's platform once the latest is taken.
 * Use from one event loop (the gateway verticle's).
 */
public final class JobMessageProgress implements JobProgressRelay.Sink {

  /** How a platform edits its job's message to show a taken progress line. */
  @FunctionalInterface
  public interface Editor {
    Future<Void> edit(String tenantId, long jobId, String line, ProgressTaken taken);
  }

  private final JobMessageStore store;
  private final JobMessageSteps steps;
  private final GatewayMetrics metrics;
  private final Map<String, Editor> editors;
  /** Lines heard per job since its last progress step began: all but one of them were collapsed. */
  private final Map<String, Integer> heard = new HashMap<>();

  /**
   * {@code editors} by platform ({@code chat_job_messages.platform}); {@code steps} are the ones the
   * platforms' posts and results run in, so that progress edits keep their order.
   */
  public JobMessageProgress(JobMessageStore store, JobMessageSteps steps, GatewayMetrics metrics,
                            Map<String, Editor> editors) {
    this.store = store;
    this.steps = steps;
    this.metrics = metrics;
    this.editors = Map.copyOf(editors);
  }

  /**
   * Edits a running job's message to show its latest progress line; does nothing for a job without
   * a message, one that has ended (its result stands), or a line another gateway shows already. A
   * line of a message on a platform this gateway has no editor for (Teams not configured here) is
   * taken and fails: every gateway is meant to serve the same platforms.
   */
  @Override
  public Future<Void> show(String tenantId, long jobId, String line) {
    String key = tenantId + "/" + jobId;
    heard.merge(key, 1, Integer::sum);
    return steps.progress(tenantId, jobId, line, latest -> {
      Integer lines = heard.remove(key);
      int collapsed = lines == null ? 0 : lines - 1;
      return store.takeProgress(tenantId, jobId, latest).compose(taken -> {
        if (taken.isEmpty()) {
          return Future.succeededFuture();
        }
        if (collapsed > 0) {
          metrics.progressCoalesced(taken.get().platform(), collapsed);
        }
        Editor editor = editors.get(taken.get().platform());
        return editor == null
            ? Future.failedFuture("no editor for job messages on " + taken.get().platform())
            : editor.edit(tenantId, jobId, latest, taken.get());
      });
    }).mapEmpty();
  }
}
