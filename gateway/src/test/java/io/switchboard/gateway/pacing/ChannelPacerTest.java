package io.switchboard.gateway.pacing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.core.config.WorkspaceRate;
import io.switchboard.gateway.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The channel pacer keeps each channel inside its platform's pace")
class ChannelPacerTest {

  private static final ChannelKey GENERAL = new ChannelKey("slack", "acme", "T1", "C1");
  private final ManualTimers timers = new ManualTimers();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Long> calledAt = new ArrayList<>();

  private ChannelPacer pacer(int capacity) {
    return new ChannelPacer(timers, Map.of("slack", Duration.ofSeconds(1)), Map.of(), capacity,
        new GatewayMetrics(registry));
  }

  private ChannelPacer pacer(WorkspaceRate slackWorkspace) {
    return new ChannelPacer(timers, Map.of("slack", Duration.ofSeconds(1)), Map.of("slack", slackWorkspace), 100,
        new GatewayMetrics(registry));
  }

  private Future<String> record(String value) {
    calledAt.add(timers.nowMillis());
    return Future.succeededFuture(value);
  }

  @Test
  @DisplayName("a burst of 100 results to one channel goes out one a second, every one of them")
  void burstStaysInsidePace() {
    ChannelPacer pacer = pacer(100);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String value = "result " + i;
      results.add(pacer.submit(GENERAL, Outbound.RESULT, null, () -> record(value)));
    }
    assertThat(calledAt).hasSize(1);
    assertThat(pacer.depth(GENERAL)).isEqualTo(99);
    timers.advance(120_000);
    assertThat(calledAt).hasSize(100);
    for (int i = 1; i < calledAt.size(); i++) {
      assertThat(calledAt.get(i) - calledAt.get(i - 1)).isGreaterThanOrEqualTo(1000);
    }
    assertThat(results).allSatisfy(f -> assertThat(f.succeeded()).isTrue());
    assertThat(results.get(42).result()).isEqualTo("result 42");
    assertThat(counter("sent")).isEqualTo(100);
    io.micrometer.core.instrument.Timer waits = registry.get("switchboard.outbound.pacing.wait").tag("platform", "slack").timer();
    assertThat(waits.count()).as("every call's wait for its turn").isEqualTo(100);
    assertThat(waits.max(java.util.concurrent.TimeUnit.SECONDS)).as("the last waited 99 paces").isBetween(99.0, 100.0);
  }

  @Test
  @DisplayName("channels, and the same channel id in another tenant, have their own pace")
  void channelsAreIndependent() {
    ChannelPacer pacer = pacer(10);
    pacer.submit(GENERAL, Outbound.POST, null, () -> record("a"));
    pacer.submit(new ChannelKey("slack", "acme", "T1", "C2"), Outbound.POST, null, () -> record("b"));
    pacer.submit(new ChannelKey("slack", "globex", "T1", "C1"), Outbound.POST, null, () -> record("c"));
    assertThat(calledAt).hasSize(3).containsOnly(calledAt.get(0));
  }

  @Test
  @DisplayName("a call held up by a 429's Retry-After keeps the channel paused until it ends")
  void rateLimitedCallPausesTheChannel() {
    ChannelPacer pacer = pacer(10);
    Promise<String> slow = Promise.promise();
    pacer.submit(GENERAL, Outbound.RESULT, null, () -> {
      calledAt.add(timers.nowMillis());
      timers.schedule(30_000, () -> slow.complete("after retry"));
      return slow.future();
    });
    Future<String> second = pacer.submit(GENERAL, Outbound.RESULT, null, () -> record("second"));
    long start = timers.nowMillis();
    timers.advance(30_500);
    assertThat(calledAt).containsExactly(start);
    timers.advance(1_000);
    assertThat(calledAt).containsExactly(start, start + 31_000L);
    assertThat(second.result()).isEqualTo("second");
  }

  @Test
  @DisplayName("under pressure, progress edits of one message collapse into the latest, and a result is never replaced")
  void progressEditsCoalesce() {
    ChannelPacer pacer = pacer(10);
    List<String> shown = new ArrayList<>();
    pacer.submit(GENERAL, Outbound.POST, null, () -> record("busy"));
    for (int i = 0; i < 20; i++) {
      String line = "line " + i;
      pacer.submit(GENERAL, Outbound.PROGRESS, "ts-1", () -> {
        shown.add(line);
        return Future.succeededFuture();
      });
    }
    pacer.submit(GENERAL, Outbound.RESULT, "ts-1", () -> {
      shown.add("result");
      return Future.succeededFuture();
    });
    Future<Object> late = pacer.submit(GENERAL, Outbound.PROGRESS, "ts-1", () -> {
      shown.add("late line");
      return Future.succeededFuture();
    });
    assertThat(pacer.depth(GENERAL)).isEqualTo(1);
    timers.advance(10_000);
    assertThat(shown).containsExactly("result");
    assertThat(late.succeeded()).isTrue();
    assertThat(counter("coalesced")).isEqualTo(21);
    assertThat(counter("edited")).isEqualTo(1);
  }

  @Test
  @DisplayName("a full queue drops progress edits of other messages and refuses results, which stay owed")
  void fullQueue() {
    ChannelPacer pacer = pacer(2);
    pacer.submit(GENERAL, Outbound.RESULT, null, () -> record("in flight"));
    pacer.submit(GENERAL, Outbound.RESULT, null, () -> record("queued 1"));
    pacer.submit(GENERAL, Outbound.RESULT, null, () -> record("queued 2"));
    Future<String> progress = pacer.submit(GENERAL, Outbound.PROGRESS, "ts-9", () -> record("never"));
    Future<String> refused = pacer.submit(GENERAL, Outbound.RESULT, null, () -> record("never"));
    assertThat(progress.succeeded()).isTrue();
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause()).isInstanceOf(ChannelBusy.class);
    timers.advance(10_000);
    assertThat(calledAt).hasSize(3);
    assertThat(counter("dropped")).isEqualTo(1);
    assertThat(counter("deferred")).isEqualTo(1);
  }

  @Test
  @DisplayName("queue gauges are per platform, with no workspace or channel ids, and fall to zero once channels are idle")
  void queueDepthGauges() {
    ChannelPacer pacer = pacer(10);
    for (int i = 0; i < 4; i++) {
      pacer.submit(GENERAL, Outbound.POST, null, () -> record("x"));
    }
    assertThat(gauge("switchboard.outbound.queue.depth")).isEqualTo(3.0);
    assertThat(gauge("switchboard.outbound.queue.deepest")).isEqualTo(3.0);
    assertThat(gauge("switchboard.outbound.queue.channels")).isEqualTo(1.0);
    assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTags())
        .extracting(tag -> tag.getKey()).doesNotContain("channel", "workspace", "tenant"));
    timers.advance(60_000);
    assertThat(gauge("switchboard.outbound.queue.depth")).isZero();
    assertThat(gauge("switchboard.outbound.queue.channels")).isZero();
  }

  private double gauge(String name) {
    return registry.get(name).tag("platform", GENERAL.platform()).gauge().value();
  }

  @Test
  @DisplayName("results waiting together share one digest, and each succeeds or fails with it")
  void digest() {
    ChannelPacer pacer = pacer(50);
    List<List<String>> digests = new ArrayList<>();
    List<Future<Void>> results = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String line = "job " + i;
      results.add(pacer.submitResult(GENERAL, new ChannelPacer.Digestible(line, lines -> {
        digests.add(lines);
        return Future.succeededFuture();
      }), () -> record(line).mapEmpty()));
    }
    timers.advance(10_000);
    assertThat(calledAt).hasSize(1);
    assertThat(digests).hasSize(1);
    assertThat(digests.get(0)).hasSize(11).startsWith("job 1").endsWith("job 11");
    assertThat(results).allSatisfy(f -> assertThat(f.succeeded()).isTrue());
    assertThat(counter("digested")).isEqualTo(11);
  }

  @Test
  @DisplayName("a failed digest fails every result in it, so each stays owed")
  void failedDigest() {
    ChannelPacer pacer = pacer(50);
    List<Future<Void>> results = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      results.add(pacer.submitResult(GENERAL, new ChannelPacer.Digestible("job " + i,
          lines -> Future.failedFuture("HTTP 500")), () -> record("alone").mapEmpty()));
    }
    timers.advance(10_000);
    assertThat(results.get(0).succeeded()).isTrue();
    assertThat(results.subList(1, 6)).allSatisfy(f -> assertThat(f.failed()).isTrue());
  }

  @Test
  @DisplayName("the channels of one workspace share its budget: a burst of ten seconds' worth, then its rate")
  void workspaceBudgetSpansChannels() {
    ChannelPacer pacer = pacer(new WorkspaceRate(60, 60));
    for (int i = 0; i < 30; i++) {
      String value = "post " + i;
      pacer.submit(new ChannelKey("slack", "acme", "T1", "C" + i), Outbound.POST, null, () -> record(value));
    }
    long start = timers.nowMillis();
    assertThat(calledAt).hasSize(10).containsOnly(start);
    List<Long> otherWorkspaces = new ArrayList<>();
    pacer.submit(new ChannelKey("slack", "acme", "T2", "C0"), Outbound.POST, null, () -> {
      otherWorkspaces.add(timers.nowMillis());
      return Future.succeededFuture("T2");
    });
    pacer.submit(new ChannelKey("slack", "globex", "T1", "C0"), Outbound.POST, null, () -> {
      otherWorkspaces.add(timers.nowMillis());
      return Future.succeededFuture("globex");
    });
    assertThat(otherWorkspaces).containsExactly(start, start);

    timers.advance(60_000);
    assertThat(calledAt).hasSize(30);
    for (int i = 10; i < 30; i++) {
      assertThat(calledAt.get(i)).isGreaterThanOrEqualTo(start + (i - 9) * 1000L);
    }
    assertThat(calledAt.get(29) - start).isLessThanOrEqualTo(21_000);
    assertThat(registry.get("switchboard.outbound.workspace.waits").counter().count()).isPositive();
    assertThat(counter("sent")).isEqualTo(32);
  }

  @Test
  @DisplayName("a workspace counts new messages and edits apart, as Slack limits chat.postMessage and chat.update apart")
  void postsAndEditsHaveTheirOwnBudgets() {
    ChannelPacer pacer = pacer(new WorkspaceRate(600, 6));
    List<Long> edits = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      pacer.submit(new ChannelKey("slack", "acme", "T1", "E" + i), Outbound.PROGRESS, "ts-" + i, () -> {
        edits.add(timers.nowMillis());
        return Future.succeededFuture("edit");
      });
      String value = "post " + i;
      pacer.submit(new ChannelKey("slack", "acme", "T1", "P" + i), Outbound.POST, null, () -> record(value));
    }
    long start = timers.nowMillis();
    assertThat(calledAt).containsExactly(start, start, start);
    assertThat(edits).containsExactly(start);
    timers.advance(30_000);
    assertThat(edits).containsExactly(start, start + 10_000, start + 20_000);
  }

  private double counter(String outcome) {
    return registry.find("switchboard.outbound.messages").tag("outcome", outcome).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }
}
