package io.switchboard.core.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.slf4j.MDC;
import org.slf4j.event.KeyValuePair;

import java.util.HashMap;
import java.util.Map;

/**
 * Copies {@link LogContext}'s fields onto a log event, on the thread (and so the Vert.x context) that
 * logs it, before the event is handed to another thread: they become the event's MDC properties
 * ({@code %X{correlationId}} in text, top-level fields in JSON), over whatever the thread's own MDC
 * holds.
 */
public final class LogContextCapture {

  private LogContextCapture() {
  }

  /** Adds the current context's fields to {@code event}, if it has any. */
  public static void capture(ILoggingEvent event) {
    Map<String, String> fields = LogContext.current();
    if (fields.isEmpty() || !(event instanceof LoggingEvent)) {
      return;
    }
    LoggingEvent loggingEvent = (LoggingEvent) event;
    Map<String, String> merged = new HashMap<>();
    Map<String, String> threadMdc = MDC.getCopyOfContextMap();
    if (threadMdc != null) {
      merged.putAll(threadMdc);
    }
    merged.putAll(fields);
    try {
      loggingEvent.setMDCPropertyMap(merged);
    } catch (IllegalStateException alreadyRead) {
      // Another appender read the event's MDC first: the fields go along as key-value pairs instead.
      fields.forEach((k, v) -> loggingEvent.addKeyValuePair(new KeyValuePair(k, v)));
    }
  }
}
