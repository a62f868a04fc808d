package io.switchboard.gateway;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Commits the durable writes of the commands that arrive together in one transaction: their jobs
 * in one multi-row insert, every audit record (received, queued, refused) in one append that takes
 * each tenant's chain head once. A command's write is acknowledged only after the transaction that
 * holds it has committed, as when each command had its own.
 *
 * <p>Batches form by themselves: a write that finds fewer than {@link #MAX_IN_FLIGHT} transactions
 * running starts one at once (a lone command waits for nobody); the writes arriving while they run
 * go into the next, up to {@link #MAX_BATCH}. If a batch fails, each of its writes is tried again in
 * a transaction of its own, so a bad write fails only its own command.
 */
public final class GroupCommit {

  /** The most writes one transaction holds. */
  public static final int MAX_BATCH = 256;

  /** How many batch transactions may run at once (one builds while another commits). */
  public static final int MAX_IN_FLIGHT = 2;

  private final Pool pool;
  private final EventBus eventBus;
  private final GatewayMetrics metrics;
  private final ArrayDeque<Write<?>> pending = new ArrayDeque<>();
  private int inFlight;

  public GroupCommit(Pool pool, EventBus eventBus, GatewayMetrics metrics) {
    this.pool = pool;
    this.eventBus = eventBus;
    this.metrics = metrics;
  }

  /** Queues the job with its audit records; completes after the commit. */
  public Future<JobEnqueuer.Enqueued> enqueue(JobEnqueuer.Queued queued) {
    return submit(new Write<JobEnqueuer.Enqueued>(queued, null));
  }

  /** Appends the audit record; completes after the commit. */
  public Future<Void> audit(AuditEvent event) {
    return submit(new Write<Void>(null, event));
  }

  private <T> Future<T> submit(Write<T> write) {
    synchronized (this) {
      pending.add(write);
    }
    startBatches();
    return write.promise.future();
  }

  private void startBatches() {
    while (true) {
      List<Write<?>> batch;
      synchronized (this) {
        if (inFlight >= MAX_IN_FLIGHT || pending.isEmpty()) {
          return;
        }
        inFlight++;
        batch = new ArrayList<>(Math.min(pending.size(), MAX_BATCH));
        while (batch.size() < MAX_BATCH && !pending.isEmpty()) {
          batch.add(pending.poll());
        }
      }
      metrics.commitBatch(batch.size());
      commit(batch).onComplete(done -> {
        synchronized (this) {
          inFlight--;
        }
        startBatches();
      });
    }
  }

  /** Commits the batch, or each write alone when the batch fails; completes when every write has its answer. */
  private Future<Void> commit(List<Write<?>> batch) {
    return pool.withTransaction(tx -> write(tx, batch)).transform(committed -> {
      if (committed.succeeded()) {
        answer(batch, committed.result());
        return Future.succeededFuture();
      }
      if (batch.size() == 1) {
        batch.get(0).fail(committed.cause());
        return Future.succeededFuture();
      }
      return Future.join(batch.stream().map(write -> commit(List.of(write))).toList()).mapEmpty();
    });
  }

  /** Inserts the batch's jobs, then appends every audit record; answers the jobs' results in batch order. */
  private static Future<List<JobEnqueuer.Enqueued>> write(SqlConnection tx, List<Write<?>> batch) {
    List<JobEnqueuer.Queued> jobs = batch.stream().filter(w -> w.queued != null).map(w -> w.queued).toList();
    Future<JobEnqueuer.Inserted> inserted = jobs.isEmpty()
        ? Future.succeededFuture(new JobEnqueuer.Inserted(List.of(), List.of()))
        : JobEnqueuer.insertJobs(tx, jobs);
    return inserted.compose(done -> {
      List<AuditEvent> events = new ArrayList<>(done.audit());
      batch.stream().filter(w -> w.event != null).forEach(w -> events.add(w.event));
      return AuditLog.appendAll(tx, events).map(records -> done.enqueued());
    });
  }

  @SuppressWarnings("unchecked")
  private void answer(List<Write<?>> batch, List<JobEnqueuer.Enqueued> enqueued) {
    int job = 0;
    long newest = -1;
    for (Write<?> write : batch) {
      if (write.queued == null) {
        ((Write<Void>) write).succeed(null);
        continue;
      }
      JobEnqueuer.Enqueued result = enqueued.get(job++);
      if (!result.duplicate()) {
        newest = Math.max(newest, result.jobId());
      }
      ((Write<JobEnqueuer.Enqueued>) write).succeed(result);
    }
    if (newest >= 0) {
      JobEnqueuer.wake(eventBus, newest);
    }
  }

  /** One command's write: a job to queue or an audit record, answered on the context that submitted it. */
  private static final class Write<T> {
    final JobEnqueuer.Queued queued;
    final AuditEvent event;
    final Promise<T> promise = Promise.promise();
    final Context context = Vertx.currentContext();

    Write(JobEnqueuer.Queued queued, AuditEvent event) {
      this.queued = queued;
      this.event = event;
    }

    void succeed(T result) {
      onContext(() -> promise.complete(result));
    }

    void fail(Throwable cause) {
      onContext(() -> promise.fail(cause));
    }

    private void onContext(Runnable completion) {
      if (context == null || context == Vertx.currentContext()) {
        completion.run();
      } else {
        context.runOnContext(v -> completion.run());
      }
    }
  }
}
