package io.switchboard.loadtests;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.switchboard.loadtests.support.CommandLog;
import io.switchboard.loadtests.support.Latencies;
import io.switchboard.loadtests.support.NodeSimulation;
import io.switchboard.loadtests.support.Props;
import io.switchboard.loadtests.support.Report;
import io.switchboard.loadtests.support.SlackSteps;
import io.switchboard.loadtests.support.SwitchboardApi;
import io.switchboard.loadtests.support.Zipf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A flood across many tenants with Zipf-distributed traffic: is the queue fair? The operator creates
 * {@code tenants} tenants, each with its own Slack workspace and signing secret and a policy that
 * raises its rate limits (the built-in {@code echo} needs no catalog). Then signed, durable
 * {@code /ops echo} commands go out at {@code rate} a second in all, each to a tenant drawn by rank
 * with probability proportional to {@code 1 / rank^exponent}. The summary compares the ranks: the
 * head tenant, the rest of the top 10%, and the long tail, by acknowledgement p99 and by
 * acknowledged-to-result (the job queued, run and posted back) p50/p99. Asserts nothing.
 */
public class ManyTenantsSimulation extends NodeSimulation {

  private static final String QUEUED = "Queued as job";

  private final String operatorToken = Props.required("operatorToken",
      "the node's SWITCHBOARD_OPERATOR_TOKEN, which creates the run's tenants");
  private final int tenantCount = Props.integer("tenants", 50, 1, 10_000);
  private final double exponent = Props.decimal("exponent", 1.0, 0, true, 10);
  private final double rate = Props.decimal("rate", 40, 0, false, 100_000);
  private final int durationSeconds = Props.integer("duration", 20, 1, 86_400);
  private final int warmupSeconds = Props.integer("warmup", Math.min(5, durationSeconds / 4), 0, durationSeconds - 1);
  private final int channels = Props.integer("channels", 50, 1, 100_000);

  private final Zipf zipf = new Zipf(tenantCount, exponent);
  /** By rank: index 0 is rank 1. Filled in {@code before()}, read by the virtual users. */
  private final List<SwitchboardApi.Tenant> tenants = new ArrayList<>();

  private final ScenarioBuilder flood = scenario("Zipf flood over " + tenantCount + " tenants")
      .exec(SlackSteps.slashCommand("POST /slack/commands", log, QUEUED, session -> {
        int rank = zipf.next();
        return echo(rank, tenants.get(rank - 1), "U0LOAD", "C0LOAD", channels);
      }));

  public ManyTenantsSimulation() {
    super("Switchboard: many tenants, Zipf-distributed traffic");
    setUp(flood.injectOpen(constantUsersPerSec(rate).during(Duration.ofSeconds(durationSeconds))))
        .protocols(SlackSteps.protocol(baseUrl));
  }

  @Override
  protected void prepare() {
    System.out.printf(Locale.ROOT, "%nCreating %d tenants on %s...%n", tenantCount, baseUrl);
    String run = log.runId();
    for (int rank = 1; rank <= tenantCount; rank++) {
      tenants.add(api.createSlackTenant(operatorToken, "zipf-" + run + "-" + rank,
          "TZ" + run.toUpperCase(Locale.ROOT) + "R" + rank, "zipf-secret-" + run + "-" + rank,
          SwitchboardApi.BUILTINS_WITH_RAISED_LIMITS));
    }
    pause(1_000); // the last policies reach the gateway's cache over the event bus
    System.out.printf(Locale.ROOT, "%d tenants zipf-%s-1..%d ready; %.2f commands/s for %d s, Zipf exponent %.2f%n",
        tenantCount, run, tenantCount, rate, durationSeconds, exponent);
  }

  @Override
  protected void report(Report report) {
    int top = Math.max(1, (int) Math.ceil(tenantCount * 0.1));
    List<CommandLog.Command> all = log.commands(c -> true);
    long from = measuredFrom(all, warmupSeconds);
    Predicate<CommandLog.Command> measured = c -> c.sentNanos() >= from;
    report.row("target", baseUrl + "/slack/commands")
        .row("tenants", String.format(Locale.ROOT, "%d, Zipf exponent %.2f: rank 1 expects %.1f%% of the commands, "
            + "the top 10%% (%d) %.1f%%", tenantCount, exponent, 100 * zipf.share(1, 1), top, 100 * zipf.share(1, top)))
        .row("injection", String.format(Locale.ROOT, "%.2f commands/s for %d s, %d channels per tenant; "
            + "latencies leave out the first %d s", rate, durationSeconds, channels, warmupSeconds));
    outcomeRows(report, "commands ", all);
    List<CommandLog.Command> measuredAll = all.stream().filter(measured).toList();
    latencyRow(report, "ack (ms)", ackLatencies(measuredAll));
    latencyRow(report, "ack-to-result (ms)", doneLatencies(measuredAll));
    receiverRows(report);

    report.section("by tenant rank (counts: the whole run; latencies: after the warm-up)");
    List<List<String>> rows = new ArrayList<>();
    List<Latencies> doneByBucket = new ArrayList<>();
    int[][] buckets = {{1, 1}, {2, top}, {top + 1, tenantCount}};
    for (int[] bucket : buckets) {
      int first = bucket[0];
      int last = bucket[1];
      if (first > last) {
        continue;
      }
      List<CommandLog.Command> in = log.commands(c -> c.group() >= first && c.group() <= last);
      List<CommandLog.Command> measuredIn = in.stream().filter(measured).toList();
      long[] counts = CommandLog.outcomes(in);
      Latencies bucketDone = doneLatencies(measuredIn);
      doneByBucket.add(bucketDone);
      rows.add(List.of(first == last ? "rank " + first : "ranks " + first + "-" + last,
          Integer.toString(last - first + 1),
          String.format(Locale.ROOT, "%.1f%%", all.isEmpty() ? 0.0 : 100.0 * in.size() / all.size()),
          Long.toString(counts[0]), Long.toString(counts[1]), Long.toString(counts[2] + counts[3]),
          ackLatencies(measuredIn).ms(99), bucketDone.ms(50), bucketDone.ms(99),
          Long.toString(in.stream().filter(CommandLog.Command::lost).count())));
    }
    report.table(List.of("bucket", "tenants", "share", "sent", "accepted", "refused+err", "ack p99",
        "done p50", "done p99", "lost"), rows);
    report.note("(ms; done = acknowledged -> result posted to the command's response_url)");
    if (doneByBucket.size() > 1) {
      Latencies head = doneByBucket.get(0);
      Latencies tail = doneByBucket.get(doneByBucket.size() - 1);
      report.row("tail / head ack-to-result p50", Latencies.ratio(tail, head, 50))
          .row("tail / head ack-to-result p99", Latencies.ratio(tail, head, 99));
    }
  }
}
