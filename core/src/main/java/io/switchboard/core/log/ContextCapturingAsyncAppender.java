package io.switchboard.core.log;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link AsyncAppender} that first copies the logging thread's {@link LogContext} onto the event
 * ({@link LogContextCapture}), so the writer thread renders the fields of the command that logged it.
 * Writing happens on the appender's own thread, never on an event loop, and logging never waits: when
 * the queue is full (the output cannot keep up), the line is dropped and counted
 * ({@link #dropped()}, exported as {@code switchboard_log_lines_dropped_total}) instead of holding the
 * event loop that logged it.
 */
public class ContextCapturingAsyncAppender extends AsyncAppender {

  private static final AtomicLong DROPPED = new AtomicLong();

  /** A new appender that never blocks the logging thread. */
  public ContextCapturingAsyncAppender() {
    setNeverBlock(true);
  }

  /** Lines dropped by every such appender in this JVM because its queue was full. */
  public static long dropped() {
    return DROPPED.get();
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (isStarted() && getRemainingCapacity() == 0) {
      DROPPED.incrementAndGet();
      return;
    }
    super.append(event);
  }

  @Override
  protected void preprocess(ILoggingEvent event) {
    LogContextCapture.capture(event);
    super.preprocess(event);
  }
}
