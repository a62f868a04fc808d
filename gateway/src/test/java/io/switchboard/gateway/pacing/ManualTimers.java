package io.switchboard.gateway.pacing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A hand-driven clock for pacer tests: time moves only when {@link #advance} says so. */
final class ManualTimers implements PacerTimers {

  private record Task(long at, long seq, Runnable run) {
  }

  private final List<Task> tasks = new ArrayList<>();
  /** Starts below zero, as {@link System#nanoTime()} may. */
  private long now = -4_000_000_000L;
  private long seq;

  @Override
  public long nowMillis() {
    return now;
  }

  @Override
  public void schedule(long delayMillis, Runnable task) {
    tasks.add(new Task(now + Math.max(1, delayMillis), seq++, task));
  }

  /** Moves the clock forward, running every task that falls due on the way, in order. */
  void advance(long millis) {
    long until = now + millis;
    while (true) {
      Task next = tasks.stream().filter(t -> t.at() <= until)
          .min(Comparator.comparingLong(Task::at).thenComparingLong(Task::seq)).orElse(null);
      if (next == null) {
        break;
      }
      tasks.remove(next);
      now = Math.max(now, next.at());
      next.run().run();
    }
    now = until;
  }
}
