package io.switchboard.gateway.reply;

import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Keeps the work on each job's one chat message in order: steps (post, edit) for one job run one at
 * a time, and a progress line that arrives while an earlier one still waits replaces it, so a burst
 * of lines becomes one edit with the latest. Keyed by tenant and job. Use from one event loop.
 */
public final class JobMessageSteps {

  private final Map<String, Future<Void>> tails = new HashMap<>();
  private final Map<String, String> latestProgress = new HashMap<>();

  /** Runs {@code step} after the job's earlier steps have finished (whether or not they succeeded). */
  public Future<Void> serially(String tenantId, long jobId, Supplier<Future<Void>> step) {
    String key = key(tenantId, jobId);
    Future<Void> previous = tails.getOrDefault(key, Future.succeededFuture());
    Future<Void> next = previous.transform(ar -> step.get());
    tails.put(key, next);
    return next.onComplete(ar -> tails.remove(key, next));
  }

  /**
   * Queues showing {@code line}: when its turn comes, {@code show} gets the latest line offered by
   * then. A line that replaces one still waiting only runs {@code onCoalesced}.
   */
  public Future<Void> progress(String tenantId, long jobId, String line, Function<String, Future<Void>> show,
                               Runnable onCoalesced) {
    String key = key(tenantId, jobId);
    if (latestProgress.put(key, line) != null) {
      onCoalesced.run();
      return Future.succeededFuture();
    }
    return serially(tenantId, jobId, () -> show.apply(latestProgress.remove(key)));
  }

  private static String key(String tenantId, long jobId) {
    return tenantId + "/" + jobId;
  }
}
