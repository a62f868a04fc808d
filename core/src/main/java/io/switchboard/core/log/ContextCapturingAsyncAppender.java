package io.switchboard.core.log;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * An {@link AsyncAppender} that first copies the logging thread's {@link LogContext} onto the event
 * ({@link LogContextCapture}), so the writer thread renders the fields of the command that logged it.
 * Writing happens on the appender's own thread, never on an event loop.
 */
public class ContextCapturingAsyncAppender extends AsyncAppender {

  @Override
  protected void preprocess(ILoggingEvent event) {
    LogContextCapture.capture(event);
    super.preprocess(event);
  }
}
