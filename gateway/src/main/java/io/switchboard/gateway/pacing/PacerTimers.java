package io.switchboard.gateway.pacing;

import io.vertx.core.Vertx;

/** The clock and timers of a {@link ChannelPacer}: Vert.x timers in production, a hand-driven clock in tests. */
public interface PacerTimers {

  /** Milliseconds on a monotonic clock. */
  long nowMillis();

  /** Runs {@code task} once, {@code delayMillis} from now (at least 1 ms), on the caller's context. */
  void schedule(long delayMillis, Runnable task);

  /** Vert.x timers and {@link System#nanoTime()}. */
  static PacerTimers of(Vertx vertx) {
    return new PacerTimers() {
      @Override
      public long nowMillis() {
        return System.nanoTime() / 1_000_000;
      }

      @Override
      public void schedule(long delayMillis, Runnable task) {
        vertx.setTimer(Math.max(1, delayMillis), id -> task.run());
      }
    };
  }
}
