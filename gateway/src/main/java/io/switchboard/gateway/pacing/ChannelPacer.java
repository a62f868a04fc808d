package io.switchboard.gateway.pacing;

import io.switchboard.core.config.WorkspaceRate;
import io.switchboard.gateway.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Paces the calls Switchboard makes to post or edit messages in one chat channel: per
 * {@link ChannelKey} (platform, tenant, workspace, channel), at most one call at a time and the
 * next one no sooner than the platform's interval after the previous one ended; and per workspace,
 * across its channels, no more calls a minute than the platform's {@link WorkspaceRate} (new messages
 * and edits counted apart; see {@link WorkspaceBudgets}). A call waiting for
 * a 429's {@code Retry-After} (the platform clients wait it out on a timer and retry) is still in
 * flight, so the channel is paused for that long. Waiting calls sit in a bounded queue per channel:
 * an edit of a message replaces a waiting edit of the same message (the latest wins, counted as
 * coalesced); when the queue is full a progress edit is dropped, and a post or a result is refused
 * with {@link ChannelBusy} (a result stays owed in the reply outbox). When a channel's turn comes and
 * at least {@link #DIGEST_MIN} digestible results wait in it, up to {@link #DIGEST_MAX} of them go
 * out as one digest message, and each of them succeeds or fails with that message. Timers, never
 * sleeps. Use from one event loop (the gateway verticle's).
 */
public final class ChannelPacer {

  /** Digestible results waiting in one channel that make a digest instead of separate messages. */
  public static final int DIGEST_MIN = 5;
  /** Lines in one digest. */
  public static final int DIGEST_MAX = 40;

  /**
   * How a result can share a digest: its one line, and how the channel posts a digest of lines (the
   * first waiting result's poster posts for all of them).
   */
  public record Digestible(String line, Function<List<String>, Future<Void>> postDigest) {
  }

  private final PacerTimers timers;
  private final Map<String, Duration> intervals;
  private final WorkspaceBudgets workspaces;
  private final int capacity;
  private final GatewayMetrics metrics;
  private final Map<ChannelKey, Lane> lanes = new HashMap<>();

  /**
   * @param intervals the least time between two calls in one channel, by platform (see
   *                  {@code Pacing}); a platform without an entry is not paced
   * @param workspaceRates the calls one workspace may make a minute, by platform; a platform without
   *                  an entry is paced per channel only
   */
  public ChannelPacer(PacerTimers timers, Map<String, Duration> intervals, Map<String, WorkspaceRate> workspaceRates,
      int capacity, GatewayMetrics metrics) {
    if (capacity < 1) {
      throw new IllegalArgumentException("the queue capacity must be at least 1, not " + capacity);
    }
    this.timers = timers;
    this.intervals = Map.copyOf(intervals);
    this.workspaces = new WorkspaceBudgets(workspaceRates);
    this.capacity = capacity;
    this.metrics = metrics;
  }

  /**
   * Runs {@code call} in its channel's turn.
   *
   * @param message the message an edit changes (its ts, activity id, ...), or {@code null} for a new message
   * @return the call's outcome; {@code null} for an edit that a later edit of the same message replaced
   *     or a progress edit dropped from a full queue; failed with {@link ChannelBusy} when the queue was full
   */
  public <T> Future<T> submit(ChannelKey channel, Outbound kind, String message, Supplier<Future<T>> call) {
    Duration interval = intervals.get(channel.platform());
    if (interval == null) {
      return call.get();
    }
    Promise<T> promise = Promise.promise();
    @SuppressWarnings("unchecked")
    Waiting waiting = new Waiting(kind, message, (Supplier<Future<Object>>) (Supplier<?>) call,
        (Promise<Object>) (Promise<?>) promise, null, timers.nowMillis());
    enqueue(channel, interval, waiting);
    return promise.future();
  }

  /**
   * Runs {@code single} (a new message with one job's result) in its channel's turn, unless enough
   * results wait in the channel then to share one digest message (see the class comment).
   */
  public Future<Void> submitResult(ChannelKey channel, Digestible digest, Supplier<Future<Void>> single) {
    Duration interval = intervals.get(channel.platform());
    if (interval == null) {
      return single.get();
    }
    Promise<Object> promise = Promise.promise();
    @SuppressWarnings("unchecked")
    Supplier<Future<Object>> call = (Supplier<Future<Object>>) (Supplier<?>) single;
    enqueue(channel, interval, new Waiting(Outbound.RESULT, null, call, promise, digest, timers.nowMillis()));
    return promise.future().mapEmpty();
  }

  private void enqueue(ChannelKey channel, Duration interval, Waiting waiting) {
    Lane lane = lanes.computeIfAbsent(channel, key -> new Lane(key, interval));
    lane.offer(waiting);
    lane.drain();
  }

  /** Calls waiting in the channel's queue (not counting the one in flight). */
  public int depth(ChannelKey channel) {
    Lane lane = lanes.get(channel);
    return lane == null ? 0 : lane.queue.size();
  }

  /** How many more calls the channel's queue takes now before it refuses one with {@link ChannelBusy}. */
  public int room(ChannelKey channel) {
    return Math.max(0, capacity - depth(channel));
  }

  /** Calls that may wait in one channel's queue. */
  public int capacity() {
    return capacity;
  }

  private record Waiting(Outbound kind, String message, Supplier<Future<Object>> call, Promise<Object> promise,
                         Digestible digest, long queuedAt) {

    boolean edit() {
      return message != null;
    }
  }

  /** One channel's queue and pace. */
  private final class Lane {

    private final ChannelKey key;
    private final long intervalMillis;
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private final Runnable unregisterGauge;
    private boolean inFlight;
    private boolean timerSet;
    private long nextAt;

    Lane(ChannelKey key, Duration interval) {
      this.key = key;
      this.intervalMillis = interval.toMillis();
      this.nextAt = timers.nowMillis();
      this.unregisterGauge = metrics.outboundQueue(key.platform(), key.workspace() + "/" + key.channel(), queue::size);
    }

    void offer(Waiting waiting) {
      if (waiting.edit() && coalesce(waiting)) {
        return;
      }
      if (queue.size() < capacity) {
        queue.add(waiting);
        return;
      }
      if (waiting.kind() == Outbound.PROGRESS) {
        metrics.outbound(key.platform(), "dropped");
        waiting.promise().complete(null);
      } else {
        metrics.outbound(key.platform(), "deferred");
        waiting.promise().fail(new ChannelBusy(key, capacity));
      }
    }

    /** Replaces a waiting edit of the same message; a waiting result is never replaced by progress. */
    private boolean coalesce(Waiting waiting) {
      for (Iterator<Waiting> it = queue.iterator(); it.hasNext(); ) {
        Waiting queued = it.next();
        if (!waiting.message().equals(queued.message())) {
          continue;
        }
        metrics.outbound(key.platform(), "coalesced");
        if (queued.kind() == Outbound.RESULT && waiting.kind() == Outbound.PROGRESS) {
          waiting.promise().complete(null);
          return true;
        }
        it.remove();
        queued.promise().complete(null);
        return false;
      }
      return false;
    }

    void drain() {
      if (inFlight || timerSet || queue.isEmpty()) {
        return;
      }
      long now = timers.nowMillis();
      long wait = nextAt - now;
      if (wait <= 0) {
        wait = workspaces.take(key, queue.peek().edit(), now);
        if (wait > 0) {
          metrics.outboundWorkspaceWait(key.platform());
        }
      }
      if (wait > 0) {
        timerSet = true;
        timers.schedule(wait, () -> {
          timerSet = false;
          drain();
        });
        return;
      }
      Waiting next = queue.poll();
      List<Waiting> digest = digest(next);
      for (Waiting waiting : digest) {
        metrics.pacingWait(key.platform(), now - waiting.queuedAt());
      }
      inFlight = true;
      Future<Object> outcome;
      try {
        outcome = digest.size() > 1
            ? next.digest().postDigest().apply(digest.stream().map(w -> w.digest().line()).toList()).map(v -> null)
            : next.call().get();
      } catch (RuntimeException e) {
        outcome = Future.failedFuture(e);
      }
      outcome.onComplete(ar -> {
        inFlight = false;
        nextAt = timers.nowMillis() + intervalMillis;
        if (ar.succeeded()) {
          metrics.outbound(key.platform(), next.edit() ? "edited" : "sent");
          if (digest.size() > 1) {
            metrics.outbound(key.platform(), "digested", digest.size());
          }
        }
        digest.forEach(waiting -> waiting.promise().handle(ar));
        if (queue.isEmpty()) {
          timers.schedule(intervalMillis, this::retireIfIdle);
        } else {
          drain();
        }
      });
    }

    /** {@code next} alone, or with the digestible results waiting behind it when there are enough. */
    private List<Waiting> digest(Waiting next) {
      if (next.digest() == null) {
        return List.of(next);
      }
      List<Waiting> batch = new ArrayList<>(List.of(next));
      for (Waiting waiting : queue) {
        if (waiting.digest() != null && batch.size() < DIGEST_MAX) {
          batch.add(waiting);
        }
      }
      if (batch.size() < DIGEST_MIN) {
        return List.of(next);
      }
      queue.removeAll(batch);
      return batch;
    }

    private void retireIfIdle() {
      if (!inFlight && !timerSet && queue.isEmpty() && lanes.remove(key, this)) {
        unregisterGauge.run();
      }
    }
  }
}
