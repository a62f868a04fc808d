package io.switchboard.core.db;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Group commit: writes submitted while earlier ones are committing are written together in one
 * transaction, so a flood costs one transaction per batch instead of one per write. Each write's
 * future completes only after the transaction holding it has committed, on the context that
 * submitted it.
 *
 * <p>Batches form by themselves: a write that finds fewer than {@code maxInFlight} transactions
 * running starts one at once (a lone write waits for nobody); the writes arriving meanwhile go into
 * the next, up to {@code maxBatch}. If a batch fails, each of its writes is tried again in a
 * transaction of its own, so a bad write fails only itself.
 *
 * @param <W> a write
 * @param <R> its result
 */
public final class TransactionBatcher<W, R> {

  private static final Logger LOG = LoggerFactory.getLogger(TransactionBatcher.class);

  /** Writes a batch inside a transaction; answers one result per write, in order. */
  @FunctionalInterface
  public interface BatchWriter<W, R> {
    Future<List<R>> write(SqlConnection tx, List<W> writes);
  }

  private final Pool pool;
  private final BatchWriter<W, R> writer;
  private final int maxBatch;
  private final int maxInFlight;
  private final Consumer<List<R>> committed;
  private final ArrayDeque<Pending<W, R>> pending = new ArrayDeque<>();
  private int inFlight;

  /**
   * @param committed told the results of each transaction after it committed, before the writes are
   *                  answered (a failure there is logged; the writes are answered all the same)
   */
  public TransactionBatcher(Pool pool, int maxBatch, int maxInFlight, BatchWriter<W, R> writer,
                            Consumer<List<R>> committed) {
    if (maxBatch < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("maxBatch and maxInFlight must be at least 1");
    }
    this.pool = pool;
    this.writer = writer;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    this.committed = committed;
  }

  /** Writes {@code write} in the next transaction; completes after it has committed. */
  public Future<R> submit(W write) {
    Pending<W, R> entry = new Pending<>(write, Promise.promise(), Vertx.currentContext());
    synchronized (this) {
      pending.add(entry);
    }
    startBatches();
    return entry.promise.future();
  }

  private void startBatches() {
    while (true) {
      List<Pending<W, R>> batch;
      synchronized (this) {
        if (inFlight >= maxInFlight || pending.isEmpty()) {
          return;
        }
        inFlight++;
        batch = new ArrayList<>(Math.min(pending.size(), maxBatch));
        while (batch.size() < maxBatch && !pending.isEmpty()) {
          batch.add(pending.poll());
        }
      }
      commit(batch).onComplete(done -> {
        synchronized (this) {
          inFlight--;
        }
        startBatches();
      });
    }
  }

  /** Commits the batch, or each write alone when the batch fails; completes when every write has its answer. */
  private Future<Void> commit(List<Pending<W, R>> batch) {
    List<W> writes = batch.stream().map(Pending::write).toList();
    return pool.withTransaction(tx -> writer.write(tx, writes).map(results -> {
      if (results.size() != writes.size()) {
        throw new IllegalStateException("a batch of " + writes.size() + " writes answered " + results.size());
      }
      return results;
    })).transform(done -> {
      if (done.succeeded()) {
        try {
          committed.accept(done.result());
        } catch (RuntimeException e) {
          LOG.warn("After a group commit of {} writes: {}", batch.size(), e.toString());
        }
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).complete(done.result().get(i), null);
        }
        return Future.succeededFuture();
      }
      if (batch.size() == 1) {
        batch.get(0).complete(null, done.cause());
        return Future.succeededFuture();
      }
      return Future.join(batch.stream().map(entry -> commit(List.of(entry))).toList()).mapEmpty();
    });
  }

  private record Pending<W, R>(W write, Promise<R> promise, Context context) {

    void complete(R result, Throwable failure) {
      Runnable completion = failure == null ? () -> promise.complete(result) : () -> promise.fail(failure);
      if (context == null || context == Vertx.currentContext()) {
        completion.run();
      } else {
        context.runOnContext(v -> completion.run());
      }
    }
  }
}
