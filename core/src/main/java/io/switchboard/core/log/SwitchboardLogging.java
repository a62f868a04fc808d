package io.switchboard.core.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;
import org.slf4j.LoggerFactory;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Sets up logback for a node: one asynchronous appender ({@link ContextCapturingAsyncAppender})
 * writing to a stream (stderr), as text ({@link RedactingPatternLayout}) or JSON (logstash-logback-encoder, every
 * string value passed through {@link LogRedaction}), at the chosen root level; the chattiest
 * libraries (embedded PostgreSQL, Flyway, Netty, Hazelcast) at WARN as before.
 */
public final class SwitchboardLogging {

  /** The name of the appender this installs on the root logger. */
  public static final String APPENDER = "SWITCHBOARD";

  private static final Map<String, Level> QUIET = Map.of(
      "io.zonky", Level.WARN, "org.flywaydb", Level.WARN, "io.netty", Level.WARN, "com.hazelcast", Level.WARN);

  private SwitchboardLogging() {
  }

  /**
   * Replaces {@code context}'s configuration with Switchboard's, writing to {@code out}.
   *
   * @return the root appender (stop it to flush what is queued)
   */
  public static Appender<ILoggingEvent> install(LoggerContext context, LogSettings settings, OutputStream out) {
    context.reset();
    OutputStreamAppender<ILoggingEvent> writer = new OutputStreamAppender<>();
    writer.setContext(context);
    writer.setName(APPENDER + "-WRITER");
    writer.setEncoder(encoder(context, settings.json()));
    writer.setOutputStream(new UnclosedStream(out));
    writer.setImmediateFlush(true);
    writer.start();

    ContextCapturingAsyncAppender async = new ContextCapturingAsyncAppender();
    async.setContext(context);
    async.setName(APPENDER);
    async.setQueueSize(8192);
    async.setDiscardingThreshold(0);
    async.setIncludeCallerData(false);
    async.addAppender(writer);
    async.start();

    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(settings.level());
    root.addAppender(async);
    QUIET.forEach((name, level) -> {
      Logger logger = context.getLogger(name);
      if (!settings.level().isGreaterOrEqual(level)) {
        logger.setLevel(level);
      }
    });
    return async;
  }

  /**
   * Writes every line still queued and stops logging: the last step before the process exits. The
   * writer is a daemon thread, so without this a line logged just before the exit (a shutdown hook's
   * last one) may never be written.
   */
  public static void stop() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }

  /** Stopping the appender flushes the stream but never closes it (it may be the process's stderr). */
  private static final class UnclosedStream extends FilterOutputStream {
    UnclosedStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  /** The encoder of one format. */
  static Encoder<ILoggingEvent> encoder(LoggerContext context, boolean json) {
    if (json) {
      LogstashEncoder encoder = new LogstashEncoder();
      encoder.setContext(context);
      encoder.setIncludeContext(false);
      MaskingJsonGeneratorDecorator masking = new MaskingJsonGeneratorDecorator();
      masking.addValueMasker((field, value) -> {
        if (value instanceof CharSequence) {
          String text = value.toString();
          String redacted = LogRedaction.redact(text);
          return redacted.equals(text) ? null : redacted;
        }
        return null;
      });
      masking.start();
      encoder.setJsonGeneratorDecorator(masking);
      encoder.start();
      return encoder;
    }
    RedactingPatternLayout layout = new RedactingPatternLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.setLayout(layout);
    encoder.start();
    return encoder;
  }
}
