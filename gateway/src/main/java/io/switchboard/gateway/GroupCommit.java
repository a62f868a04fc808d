package io.switchboard.gateway;

import io.switchboard.audit.AuditEvent;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.db.TransactionBatcher;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.util.ArrayList;
import java.util.List;

/**
 * Commits the durable writes of the commands that arrive together in one transaction
 * ({@link TransactionBatcher}): their jobs in one multi-row insert, every audit record (received,
 * queued, refused) in one append that takes each tenant's chain head once. A command's write is
 * acknowledged only after the transaction that holds it has committed, as when each command had its
 * own; after each commit that queued jobs, the executors are woken once.
 */
public final class GroupCommit {

  /** The most commands' writes one transaction holds. */
  public static final int MAX_BATCH = 256;

  /** How many batch transactions may run at once (one builds while another commits). */
  public static final int MAX_IN_FLIGHT = 2;

  /** One command's write: a job to queue, or an audit record. */
  private record Write(JobEnqueuer.Queued queued, AuditEvent event) {
  }

  private final TransactionBatcher<Write, Object> batcher;
  private final GatewayMetrics metrics;

  public GroupCommit(Pool pool, EventBus eventBus, GatewayMetrics metrics) {
    this.metrics = metrics;
    this.batcher = new TransactionBatcher<>(pool, MAX_BATCH, MAX_IN_FLIGHT, this::write, results -> results.stream()
        .filter(r -> r instanceof JobEnqueuer.Enqueued e && !e.duplicate())
        .mapToLong(r -> ((JobEnqueuer.Enqueued) r).jobId())
        .max()
        .ifPresent(newest -> JobEnqueuer.wake(eventBus, newest)));
  }

  /** Queues the job with its audit records; completes after the commit. */
  public Future<JobEnqueuer.Enqueued> enqueue(JobEnqueuer.Queued queued) {
    return batcher.submit(new Write(queued, null)).map(JobEnqueuer.Enqueued.class::cast);
  }

  /** Appends the audit record; completes after the commit. */
  public Future<Void> audit(AuditEvent event) {
    return batcher.submit(new Write(null, event)).mapEmpty();
  }

  /** Inserts the batch's jobs, then appends every audit record; answers in batch order. */
  private Future<List<Object>> write(SqlConnection tx, List<Write> batch) {
    metrics.commitBatch(batch.size());
    List<JobEnqueuer.Queued> jobs = batch.stream().filter(w -> w.queued() != null).map(Write::queued).toList();
    Future<JobEnqueuer.Inserted> inserted = jobs.isEmpty()
        ? Future.succeededFuture(new JobEnqueuer.Inserted(List.of(), List.of()))
        : JobEnqueuer.insertJobs(tx, jobs);
    return inserted.compose(done -> {
      List<AuditEvent> events = new ArrayList<>(done.audit());
      batch.stream().filter(w -> w.event() != null).forEach(w -> events.add(w.event()));
      return AuditLog.appendAll(tx, events).map(records -> {
        List<Object> results = new ArrayList<>(batch.size());
        int job = 0;
        for (Write write : batch) {
          results.add(write.queued() != null ? done.enqueued().get(job++) : "audited");
        }
        return results;
      });
    });
  }
}
