package io.switchboard.core.log;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** The text format's layout: a {@link PatternLayout} with {@code %ctx}, each line passed through {@link LogRedaction}. */
public class RedactingPatternLayout extends PatternLayout {

  /** The text format: like the former slf4j-simple lines, plus the command's fields. */
  public static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSZ} %level %logger{0}%ctx - %msg%n%ex";

  /** A layout of {@link #TEXT_PATTERN}. */
  public RedactingPatternLayout() {
    getInstanceConverterMap().put("ctx", LogContextConverter::new);
    setPattern(TEXT_PATTERN);
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    return LogRedaction.redact(super.doLayout(event));
  }
}
