package io.switchboard.core.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SwitchboardLoggingTest {

  private static final Logger LOG = LoggerFactory.getLogger(SwitchboardLoggingTest.class);

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private Vertx vertx;
  private Appender<ILoggingEvent> appender;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    SwitchboardLogging.install(context, LogSettings.DEFAULT, System.err);
  }

  private void use(boolean json) {
    appender = SwitchboardLogging.install(context, new LogSettings(json, Level.INFO), out);
  }

  private List<String> lines() {
    appender.stop();
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private void onContext(Context on, Runnable work) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    on.runOnContext(v -> {
      work.run();
      done.complete(null);
    });
    done.get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("text at INFO is the default; a value not understood is refused naming its variable")
  void settings() {
    assertThat(LogSettings.fromEnv(Map.of())).isEqualTo(LogSettings.DEFAULT);
    assertThat(LogSettings.DEFAULT.json()).isFalse();
    assertThat(LogSettings.fromEnv(Map.of(LogSettings.FORMAT, "JSON", LogSettings.LEVEL, "debug")))
        .isEqualTo(new LogSettings(true, Level.DEBUG));
    assertThatThrownBy(() -> LogSettings.fromEnv(Map.of(LogSettings.FORMAT, "xml")))
        .hasMessageContaining("SWITCHBOARD_LOG_FORMAT").hasMessageContaining("xml");
    assertThatThrownBy(() -> LogSettings.fromEnv(Map.of(LogSettings.LEVEL, "loud")))
        .hasMessageContaining("SWITCHBOARD_LOG_LEVEL").hasMessageContaining("loud");
    assertThat(LogSettings.fromEnvOrDefault(Map.of(LogSettings.FORMAT, "xml"))).isEqualTo(LogSettings.DEFAULT);
  }

  @Test
  @DisplayName("the test classpath's logback is configured by Switchboard's configurator (text, not JSON)")
  void configuredByDefault() {
    // The appender the configurator installs (or tearDown's reinstall of the same) is on the root logger.
    assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(SwitchboardLogging.APPENDER))
        .isInstanceOf(ContextCapturingAsyncAppender.class);
  }

  @Test
  @DisplayName("two interleaved commands on one event loop: each line carries its own command's fields, none leaks")
  void interleavedContexts() throws Exception {
    use(true);
    Context base = vertx.getOrCreateContext();
    Context acme = LogContext.duplicate(base, Map.of(LogContext.CORRELATION_ID, "cid-acme",
        LogContext.TENANT, "acme", LogContext.PLATFORM, "slack"));
    Context globex = LogContext.duplicate(base, Map.of(LogContext.CORRELATION_ID, "cid-globex",
        LogContext.TENANT, "globex", LogContext.PLATFORM, "teams"));
    for (int i = 0; i < 3; i++) {
      int n = i;
      onContext(acme, () -> LOG.info("acme line {}", n));
      onContext(globex, () -> LOG.info("globex line {}", n));
      onContext(base, () -> LOG.info("base line {}", n));
    }
    onContext(acme, () -> LogContext.put(LogContext.JOB_ID, "42"));
    onContext(acme, () -> LOG.info("acme line with job"));
    onContext(base, () -> assertThat(LogContext.put(LogContext.TENANT, "nobody")).as("not on a verticle's context")
        .isFalse());
    onContext(base, () -> LOG.info("base line after"));

    List<JsonObject> json = lines().stream().map(JsonObject::new)
        .filter(line -> line.getString("logger_name").equals(SwitchboardLoggingTest.class.getName())).toList();
    assertThat(json).hasSize(11);
    for (JsonObject line : json) {
      String message = line.getString("message");
      if (message.startsWith("acme")) {
        assertThat(line.getString("correlationId")).as(message).isEqualTo("cid-acme");
        assertThat(line.getString("tenant")).isEqualTo("acme");
        assertThat(line.getString("platform")).isEqualTo("slack");
        assertThat(line.getString("jobId")).isEqualTo(message.endsWith("job") ? "42" : null);
      } else if (message.startsWith("globex")) {
        assertThat(line.getString("correlationId")).as(message).isEqualTo("cid-globex");
        assertThat(line.getString("tenant")).isEqualTo("globex");
        assertThat(line.getString("platform")).isEqualTo("teams");
        assertThat(line.containsKey("jobId")).isFalse();
      } else {
        assertThat(line.fieldNames()).as(message)
            .doesNotContain("correlationId", "tenant", "platform", "jobId");
      }
    }
  }

  @Test
  @DisplayName("text lines carry the fields in brackets and read like before")
  void textLines() throws Exception {
    use(false);
    Context acme = LogContext.duplicate(vertx.getOrCreateContext(), Map.of(LogContext.CORRELATION_ID, "cid-1",
        LogContext.TENANT, "acme", LogContext.PLATFORM, "slack"));
    onContext(acme, () -> LOG.info("hello"));
    LOG.info("outside");
    List<String> lines = lines();
    assertThat(lines).anySatisfy(line -> assertThat(line)
        .matches("\\d{4}-\\d\\d-\\d\\dT\\S+ INFO SwitchboardLoggingTest \\[cid=cid-1 tenant=acme platform=slack\\] - hello"));
    assertThat(lines).anySatisfy(line -> assertThat(line).matches("\\S+ INFO SwitchboardLoggingTest - outside"));
    assertThat(lines).noneMatch(line -> line.startsWith("{"));
  }

  @Test
  @DisplayName("token shapes and known secrets never reach a line, in either format, stack traces included")
  void redaction() {
    LogRedaction.addKnownSecret("bWFzdGVyLWtleS1mb3ItdGVzdHMtb25seS0zMmJ5dGVz");
    for (boolean json : new boolean[] {false, true}) {
      out.reset();
      use(json);
      LOG.info("slack xoxb-1234567890-abcdefghij and api sbt_acme_secret_token here");
      LOG.info("header Authorization: Bearer abc.def-ghi_jkl123456 and vault hvs.CAESIabcdefghijk");
      LOG.info("master key bWFzdGVyLWtleS1mb3ItdGVzdHMtb25seS0zMmJ5dGVz in a message");
      LOG.warn("failed", new IllegalStateException("bad token xoxp-9999999999-zzzzzzzz"));
      String all = String.join("\n", lines());
      assertThat(all).as(json ? "json" : "text")
          .contains("[redacted]", "Bearer [redacted]", "IllegalStateException")
          .doesNotContain("xoxb-1234567890", "sbt_acme_secret_token", "abc.def-ghi_jkl123456", "hvs.CAESIabcdefghijk",
              "bWFzdGVyLWtleS1mb3ItdGVzdHMtb25seS0zMmJ5dGVz", "xoxp-9999999999");
    }
  }
}
