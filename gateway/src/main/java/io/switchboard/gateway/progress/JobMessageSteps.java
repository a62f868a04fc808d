package io.switchboard.gateway.progress;

import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Orders the work on each job's one chat message (post, progress edits, the result): steps for the
 * same tenant and job run one at a time, in the order given, and progress lines that arrive while a
 * step runs collapse into the latest one. Keyed by tenant and job. Use from one event loop.
 */
public final class JobMessageSteps {

  private final Map<String, Future<Void>> tails = new HashMap<>();
  private final Map<String, String> latestProgress = new HashMap<>();

  /** Runs {@code step} after the job's earlier steps have ended (whether they succeeded or not). */
  public Future<Void> serially(String tenantId, long jobId, Supplier<Future<Void>> step) {
    String key = key(tenantId, jobId);
    Future<Void> previous = tails.getOrDefault(key, Future.succeededFuture());
    Future<Void> next = previous.transform(ar -> step.get());
    tails.put(key, next);
    return next.onComplete(ar -> tails.remove(key, next));
  }

  /**
   * Shows {@code line} through {@code show} as the job's next step, unless a line is already waiting
   * for its turn: then that waiting line is replaced by this one and {@code false} is answered
   * at once (the line was coalesced).
   */
  public Future<Boolean> progress(String tenantId, long jobId, String line, Function<String, Future<Void>> show) {
    String key = key(tenantId, jobId);
    if (latestProgress.put(key, line) != null) {
      return Future.succeededFuture(false);
    }
    return serially(tenantId, jobId, () -> show.apply(latestProgress.remove(key))).map(true);
  }

  private static String key(String tenantId, long jobId) {
    return tenantId + "/" + jobId;
  }
}
