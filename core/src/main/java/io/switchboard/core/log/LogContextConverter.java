package io.switchboard.core.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

import java.util.Map;

/**
 * {@code %ctx} in the text format: the command's fields as {@code  [cid=... tenant=... platform=...
 * job=... trace=...]}, only those present, and nothing at all outside a command's path.
 */
public class LogContextConverter extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc == null || mdc.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    append(out, "cid", mdc.get(LogContext.CORRELATION_ID));
    append(out, "tenant", mdc.get(LogContext.TENANT));
    append(out, "platform", mdc.get(LogContext.PLATFORM));
    append(out, "job", mdc.get(LogContext.JOB_ID));
    append(out, "trace", mdc.get(LogContext.TRACE_ID));
    return out.length() == 0 ? "" : " [" + out + "]";
  }

  private static void append(StringBuilder out, String name, String value) {
    if (value != null) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(name).append('=').append(value);
    }
  }
}
