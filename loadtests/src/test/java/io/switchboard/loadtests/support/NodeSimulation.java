package io.switchboard.loadtests.support;

import io.gatling.javaapi.core.Simulation;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What every simulation against a running node shares: the properties {@code baseUrl},
 * {@code replyPort} and {@code replyWait}, the {@link CommandLog}, the setup API, and the lifecycle.
 * {@code before()} checks that the node is ready, starts the {@link ReplyReceiver}, lets the
 * simulation {@link #prepare} its tenants and reads the node's outbound counters; {@code after()}
 * waits up to {@code replyWait} seconds for outstanding results, stops the receiver and prints the
 * simulation's {@link #report} followed by what the node's counters moved by.
 */
public abstract class NodeSimulation extends Simulation {

  /** A node counter the summary shows the change of: a label, the metric family and a label filter. */
  private record Counter(String label, String family, String labels) {
  }

  private static final String WORKSPACE_WAITS = "switchboard_outbound_workspace_waits_total";

  private static final List<Counter> NODE_COUNTERS = List.of(
      new Counter("results posted to a response_url", "switchboard_replies_total", "outcome=\"sent\""),
      new Counter("result posts retried", "switchboard_replies_total", "outcome=\"retry\""),
      new Counter("result posts abandoned", "switchboard_replies_total", "outcome=\"abandoned\""),
      new Counter("results sent inside digests", "switchboard_outbound_messages_total", "outcome=\"digested\""),
      new Counter("results deferred (channel queue full)", "switchboard_outbound_messages_total",
          "outcome=\"deferred\""),
      new Counter("turns that waited for the workspace budget", WORKSPACE_WAITS, ""));

  protected final String baseUrl = Props.baseUrl("baseUrl", "http://127.0.0.1:8080");
  protected final int replyPort = Props.port("replyPort", 9099);
  protected final int replyWaitSeconds = Props.integer("replyWait", 30, 0, 86_400);
  protected final CommandLog log = new CommandLog();
  protected final SwitchboardApi api = new SwitchboardApi(baseUrl);

  private final String title;
  private ReplyReceiver receiver;
  private final double[] countersBefore = new double[NODE_COUNTERS.size()];

  /** @param title the summary's title */
  protected NodeSimulation(String title) {
    this.title = title;
  }

  /** Sets the node up for the run (tenants, policies) and says what the run will do. */
  protected abstract void prepare();

  /** Fills the summary with the simulation's figures. */
  protected abstract void report(Report report);

  /** A POST the reply receiver got; by default a job's result for the log. */
  protected void received(ReplyReceiver.Post post) {
    log.replied(post);
  }

  /** The commands whose results {@code after()} waits for; by default all (of them, the accepted ones). */
  protected Predicate<CommandLog.Command> awaited() {
    return command -> true;
  }

  /** {@code http://127.0.0.1:<replyPort>/<kind>/<key>}: a {@code response_url} the receiver answers. */
  protected String replyUrl(String kind, String key) {
    return "http://127.0.0.1:" + replyPort + "/" + kind + "/" + key;
  }

  /**
   * {@code /ops echo <key>} from {@code userId} of the tenant's workspace, in one of {@code channels}
   * channels ({@code channelId} followed by the key's number modulo {@code channels}; {@code channelId}
   * itself when there is one), with its result to {@code /reply/<key>}.
   */
  protected SlackSteps.Command echo(int group, SwitchboardApi.Tenant tenant, String userId, String channelId,
                                    int channels) {
    String key = log.newKey();
    String channel = channels > 1 ? channelId + (CommandLog.number(key) % channels) : channelId;
    return new SlackSteps.Command(key, group, tenant.signingSecret(),
        SlackRequests.slashCommand(tenant.teamId(), userId, channel, "echo " + key, replyUrl("reply", key), key));
  }

  /** {@code warmupSeconds} after the first of {@code commands} was sent: where the measured part of a run starts. */
  protected static long measuredFrom(List<CommandLog.Command> commands, int warmupSeconds) {
    return commands.stream().mapToLong(CommandLog.Command::sentNanos).min().orElse(0)
        + TimeUnit.SECONDS.toNanos(warmupSeconds);
  }

  /** Sent to acknowledged, of the accepted {@code commands}. */
  protected static Latencies ackLatencies(List<CommandLog.Command> commands) {
    return Latencies.of(commands.stream().filter(CommandLog.Command::accepted)
        .mapToLong(CommandLog.Command::ackMicros));
  }

  /** Acknowledged to result, of the accepted {@code commands} whose result came. */
  protected static Latencies doneLatencies(List<CommandLog.Command> commands) {
    return Latencies.of(commands.stream().filter(c -> c.accepted() && c.replied())
        .mapToLong(CommandLog.Command::ackToDoneMicros));
  }

  /** A row {@code p50 x / p99 y / max z (n=count)}, in milliseconds. */
  protected static void latencyRow(Report report, String label, Latencies latencies) {
    report.row(label, "p50 " + latencies.ms(50) + " / p99 " + latencies.ms(99) + " / max " + latencies.maxMs()
        + " (n=" + latencies.count() + ")");
  }

  /** Sleeps, e.g. while a policy change reaches the gateway's cache over the event bus. */
  protected static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Rows: how many of {@code commands} were sent, accepted, refused, failed, and accepted without a result. */
  protected static void outcomeRows(Report report, String prefix, List<CommandLog.Command> commands) {
    long[] counts = CommandLog.outcomes(commands);
    report.row(prefix + "sent", counts[0])
        .row(prefix + "accepted", counts[1])
        .row(prefix + "refused (200, not accepted)", counts[2])
        .row(prefix + "errors (not 200, no answer)", counts[3])
        .row(prefix + "lost (accepted, no result)", commands.stream().filter(CommandLog.Command::lost).count());
  }

  /** Rows: what the reply receiver got, and why commands were refused. */
  protected void receiverRows(Report report) {
    report.row("posts to the reply receiver", log.posts())
        .row("  digests (several results in one)", log.digests())
        .row("  naming no command of this run", log.postsWithoutKey())
        .row("results repeated", log.repeatedResults());
    log.refusalReasons().entrySet().stream().limit(5).forEach(reason ->
        report.row("refused/failed x" + reason.getValue(), reason.getKey()));
  }

  @Override
  public void before() {
    api.requireReady();
    receiver = ReplyReceiver.start(replyPort, this::received);
    try {
      prepare();
    } catch (RuntimeException e) {
      receiver.close();
      throw e;
    }
    for (int i = 0; i < NODE_COUNTERS.size(); i++) {
      countersBefore[i] = api.metric(NODE_COUNTERS.get(i).family(), NODE_COUNTERS.get(i).labels());
    }
    System.out.printf(Locale.ROOT, "Results are received on %s/ (start the node with "
        + "SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES=%s/)%n%n", receiver.baseUrl(), receiver.baseUrl());
  }

  @Override
  public void after() {
    try {
      log.awaitResults(awaited(), replyWaitSeconds);
    } finally {
      if (receiver != null) {
        receiver.close();
      }
    }
    Report report = new Report(title);
    report(report);
    report.section("the node's own counters, change during the run");
    for (int i = 0; i < NODE_COUNTERS.size(); i++) {
      double now = api.metric(NODE_COUNTERS.get(i).family(), NODE_COUNTERS.get(i).labels());
      double change = now - countersBefore[i];
      report.row(NODE_COUNTERS.get(i).label(), Double.isNaN(change) ? "n/a (/metrics did not answer)"
          : String.format(Locale.ROOT, "%.0f", change));
      if (NODE_COUNTERS.get(i).family().equals(WORKSPACE_WAITS) && change > 0) {
        report.note("(results waited for their workspace's Slack budget, 200 posts a minute by default: to measure "
            + "the queue rather than that pace, start the node with SWITCHBOARD_PACING_SLACK_WORKSPACE_POSTS_PER_MINUTE "
            + "raised)");
      }
    }
    report.print();
  }
}
