package io.switchboard.gateway;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The gateway's meters: commands received and refused (by reason), jobs queued, acknowledgement
 * latency, the size of group commits, reply outcomes, Slack Web API and Microsoft Graph calls, coalesced progress lines, and paced outbound
 * messages (sent, edited, coalesced, dropped, deferred; queue depth per channel), and notifications
 * (received, deduplicated, posted, grouped, edited, failed). Tenant ids are not
 * tags (cardinality).
 */
public final class GatewayMetrics {

  /** The platforms whose API clients count their 429s in {@code switchboard.outbound.rate.limited}. */
  static final java.util.List<String> RATE_LIMITED_PLATFORMS = java.util.List.of("slack", "discord", "teams", "mattermost");

  private final MeterRegistry registry;
  private final Timer ackLatency;
  private final DistributionSummary commitBatches;
  private final Map<String, Map<String, Supplier<Number>>> outboundQueues = new ConcurrentHashMap<>();

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.ackLatency = Timer.builder("switchboard.ack.latency")
        .description("Time from a command's arrival to its acknowledgement")
        .publishPercentileHistogram()
        .register(registry);
    this.commitBatches = DistributionSummary.builder("switchboard.commit.batch.size")
        .description("Commands' writes (jobs, refusals) committed together in one transaction")
        .register(registry);
    // At zero from the start, so an alert on its rate sees a series before the first 429.
    for (String platform : RATE_LIMITED_PLATFORMS) {
      registry.counter("switchboard.outbound.rate.limited", "platform", platform);
    }
  }

  /** A group commit started with this many writes. */
  public void commitBatch(int writes) {
    commitBatches.record(writes);
  }

  public void received(String platform) {
    registry.counter("switchboard.commands.received", "platform", platform).increment();
  }

  public void refused(String platform, String reason) {
    registry.counter("switchboard.commands.refused", "platform", platform, "reason", reason).increment();
  }

  public void queued(String platform) {
    registry.counter("switchboard.jobs.queued", "platform", platform).increment();
  }

  /** A command that waits for approval instead of becoming a job at once. */
  public void heldForApproval(String platform) {
    registry.counter("switchboard.approvals.requested", "platform", platform).increment();
  }

  public void acknowledged(long startNanos) {
    ackLatency.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void reply(String platform, String outcome) {
    registry.counter("switchboard.replies", "platform", platform, "outcome", outcome).increment();
  }

  /** One attempt to send a chat answer from the {@code AnswerOutbox}: {@code sent}, {@code retry}, {@code abandoned}. */
  public void answer(String platform, String outcome) {
    registry.counter("switchboard.answers", "platform", platform, "outcome", outcome).increment();
  }

  /** One Slack Web API call: {@code ok}, {@code rate_limited} (a 429, retried or not), or Slack's error code family. */
  public void slackApiCall(String method, String outcome) {
    registry.counter("switchboard.slack.api.calls", "method", method, "outcome", outcome).increment();
    countRateLimit("slack", outcome);
  }

  /** One Discord API call by route ({@code edit_original}, ...): {@code ok}, {@code rate_limited}, {@code http_<status>}, {@code unreachable}. */
  public void discordApiCall(String route, String outcome) {
    registry.counter("switchboard.discord.api.calls", "route", route, "outcome", outcome).increment();
    countRateLimit("discord", outcome);
  }

  /**
   * One Microsoft Graph call for Teams group membership: {@code ok}, {@code rate_limited} (a 429,
   * retried or not), {@code forbidden} (403: no admin consent), {@code http_<status>},
   * {@code unreachable}, or {@code token_failed} (no Graph token for the Teams tenant).
   */
  public void teamsGraphCall(String outcome) {
    registry.counter("switchboard.teams.graph.calls", "outcome", outcome).increment();
    countRateLimit("teams", outcome);
  }

  private void countRateLimit(String platform, String outcome) {
    if ("rate_limited".equals(outcome)) {
      outboundRateLimited(platform);
    }
  }

  /**
   * A 429 from a chat platform's API (Slack Web API, Discord API, the Teams Bot Connector and
   * Microsoft Graph, Mattermost's API), whether the call was retried after it or not:
   * {@code switchboard.outbound.rate.limited}, per platform. The per-API counters above say which
   * method or route; this one is what to alert and graph on.
   */
  public void outboundRateLimited(String platform) {
    registry.counter("switchboard.outbound.rate.limited", "platform", platform).increment();
  }

  /**
   * How long a call waited in its channel's queue in the {@code ChannelPacer} before it went out
   * (the channel's pace and the workspace's budget): {@code switchboard.outbound.pacing.wait}, per
   * platform, a histogram.
   */
  public void pacingWait(String platform, long millis) {
    Timer.builder("switchboard.outbound.pacing.wait")
        .description("Time a paced call waited in its channel's queue before it went out")
        .tags("platform", platform)
        .publishPercentileHistogram()
        .register(registry)
        .record(Math.max(0, millis), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Progress lines that were replaced by a later one before being shown (collapsed into a single message edit). */
  public void progressCoalesced(String platform, int lines) {
    registry.counter("switchboard.progress.coalesced", "platform", platform).increment(lines);
  }

  /**
   * One outbound message call through the channel pacer, per platform: {@code sent} (a new message),
   * {@code edited}, {@code coalesced} (replaced by a later edit of the same message), {@code dropped}
   * (a progress edit a full queue refused) or {@code deferred} (a post or result a full queue refused;
   * results stay owed and come again).
   */
  public void outbound(String platform, String outcome) {
    outbound(platform, outcome, 1);
  }

  /** A channel's turn that waited for its workspace's budget (the workspace rate, not the channel pace). */
  public void outboundWorkspaceWait(String platform) {
    registry.counter("switchboard.outbound.workspace.waits", "platform", platform).increment();
  }

  /** {@link #outbound(String, String)} for {@code count} messages at once ({@code digested}: results in one digest). */
  public void outbound(String platform, String outcome, int count) {
    registry.counter("switchboard.outbound.messages", "platform", platform, "outcome", outcome).increment(count);
  }

  /**
   * Notifications, per platform: {@code received}, {@code deduplicated} (a repeat within the window),
   * {@code posted} (shown in a new message), {@code grouped} (shown in a message with others),
   * {@code edited} (a status change redrawn in its message) and {@code failed} (given up).
   */
  public void notification(String platform, String outcome, int count) {
    registry.counter("switchboard.notifications", "platform", platform, "outcome", outcome).increment(count);
  }

  /**
   * Counts one paced channel's queue into its platform's gauges while the channel is busy; answers
   * how to take it out when the channel goes idle. The gauges are per platform only: a series per
   * workspace or channel would grow without bound and show every tenant's ids to whoever scrapes
   * {@code /metrics} (issue 11): {@code switchboard.outbound.queue.depth} (calls waiting in all
   * channels), {@code switchboard.outbound.queue.deepest} (the longest queue) and
   * {@code switchboard.outbound.queue.channels} (channels with calls waiting).
   */
  public Runnable outboundQueue(String platform, String channel, Supplier<Number> depth) {
    Map<String, Supplier<Number>> queues = outboundQueues.computeIfAbsent(platform, p -> {
      Map<String, Supplier<Number>> channels = new ConcurrentHashMap<>();
      Gauge.builder("switchboard.outbound.queue.depth", channels,
              all -> all.values().stream().mapToDouble(d -> d.get().doubleValue()).sum())
          .description("Calls waiting in the outbound queues of all channels").tags("platform", p).register(registry);
      Gauge.builder("switchboard.outbound.queue.deepest", channels,
              all -> all.values().stream().mapToDouble(d -> d.get().doubleValue()).max().orElse(0))
          .description("Calls waiting in the longest outbound queue").tags("platform", p).register(registry);
      Gauge.builder("switchboard.outbound.queue.channels", channels, all -> all.values().stream()
              .filter(d -> d.get().doubleValue() > 0).count())
          .description("Channels with calls waiting").tags("platform", p).register(registry);
      return channels;
    });
    queues.put(channel, depth);
    return () -> queues.remove(channel, depth);
  }
}
