package io.switchboard.core.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Logging never waits for a writer that cannot keep up: lines beyond the queue are dropped and counted. */
class ContextCapturingAsyncAppenderTest {

  @Test
  void aStuckWriterNeitherBlocksTheLoggerNorLosesCountOfDroppedLines() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch writing = new CountDownLatch(1);
    AppenderBase<ILoggingEvent> stuck = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        writing.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    stuck.setContext(context);
    stuck.start();
    ContextCapturingAsyncAppender async = new ContextCapturingAsyncAppender();
    async.setContext(context);
    async.setQueueSize(4);
    async.setDiscardingThreshold(0);
    async.addAppender(stuck);
    async.start();
    Logger logger = context.getLogger("test");
    logger.addAppender(async);
    try {
      logger.info("first, taken by the writer, which then sticks");
      assertThat(writing.await(60, TimeUnit.SECONDS)).as("the writer took the first line").isTrue();
      long droppedBefore = ContextCapturingAsyncAppender.dropped();
      // A blocking appender would hang here once the queue of 4 is full; the guard only catches that hang.
      assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
        for (int i = 0; i < 100; i++) {
          logger.warn("line {}", i);
        }
      });
      assertThat(ContextCapturingAsyncAppender.dropped() - droppedBefore).isBetween(96L, 100L);
    } finally {
      release.countDown();
      async.stop();
      context.stop();
    }
  }
}
