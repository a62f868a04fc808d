package io.switchboard.loadtests;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.switchboard.loadtests.support.CommandLog;
import io.switchboard.loadtests.support.Latencies;
import io.switchboard.loadtests.support.NodeSimulation;
import io.switchboard.loadtests.support.Props;
import io.switchboard.loadtests.support.Report;
import io.switchboard.loadtests.support.SlackSteps;
import io.switchboard.loadtests.support.SwitchboardApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The noisy neighbour: a quiet tenant sends signed durable {@code /ops echo} commands at
 * {@code quietRate} a second (10) for the whole run, and a noisy tenant floods at {@code noisyRate}
 * during the second half only. Both tenants are created for the run, each with its own Slack
 * workspace and signing secret; the quiet one's rate limits are raised, the noisy one's too unless
 * {@code noisyLimits=default}. The summary sets the quiet tenant's figures alone (after a warm-up)
 * against its figures while the flood runs: acknowledgement p50/p99 and acknowledged-to-result p99,
 * their ratios, and what it had refused or lost; and what became of the flood. Asserts nothing.
 */
public class NoisyNeighbourSimulation extends NodeSimulation {

  private static final String QUEUED = "Queued as job";
  private static final int QUIET = 0;
  private static final int NOISY = 1;

  private final String operatorToken = Props.required("operatorToken",
      "the node's SWITCHBOARD_OPERATOR_TOKEN, which creates the run's two tenants");
  private final double quietRate = Props.decimal("quietRate", 10, 0, false, 100_000);
  private final double noisyRate = Props.decimal("noisyRate", 100, 0, false, 100_000);
  private final int durationSeconds = Props.integer("duration", 30, 2, 86_400);
  private final int warmupSeconds = Props.integer("warmup", Math.min(5, durationSeconds / 2 - 1), 0,
      durationSeconds / 2 - 1);
  private final int channels = Props.integer("channels", 50, 1, 100_000);
  private final String noisyLimits = Props.choice("noisyLimits", "raised", "raised", "default");

  private final int floodStartSeconds = durationSeconds / 2;
  /** Index {@link #QUIET} and {@link #NOISY}; filled in {@code before()}. */
  private final List<SwitchboardApi.Tenant> tenants = new ArrayList<>();

  private final ScenarioBuilder quiet = scenario("quiet tenant")
      .exec(SlackSteps.slashCommand("quiet POST /slack/commands", log, QUEUED,
          session -> echo(QUIET, tenants.get(QUIET), "U0QUIET", "C0QUIET", channels)));

  private final ScenarioBuilder noisy = scenario("noisy tenant")
      .exec(SlackSteps.slashCommand("noisy POST /slack/commands", log, QUEUED,
          session -> echo(NOISY, tenants.get(NOISY), "U0NOISY", "C0NOISY", channels)));

  public NoisyNeighbourSimulation() {
    super("Switchboard: noisy neighbour");
    setUp(
        quiet.injectOpen(constantUsersPerSec(quietRate).during(Duration.ofSeconds(durationSeconds))),
        noisy.injectOpen(nothingFor(Duration.ofSeconds(floodStartSeconds)),
            constantUsersPerSec(noisyRate).during(Duration.ofSeconds(durationSeconds - floodStartSeconds))))
        .protocols(SlackSteps.protocol(baseUrl));
  }

  @Override
  protected void prepare() {
    String run = log.runId();
    String upper = run.toUpperCase(Locale.ROOT);
    tenants.add(api.createSlackTenant(operatorToken, "quiet-" + run, "TQ" + upper, "quiet-secret-" + run,
        SwitchboardApi.BUILTINS_WITH_RAISED_LIMITS));
    tenants.add(api.createSlackTenant(operatorToken, "noisy-" + run, "TN" + upper, "noisy-secret-" + run,
        noisyLimits.equals("raised") ? SwitchboardApi.BUILTINS_WITH_RAISED_LIMITS : null));
    pause(1_000);
    System.out.printf(Locale.ROOT, "%nTenants quiet-%s and noisy-%s ready on %s: quiet %.2f commands/s for %d s, "
            + "noisy %.2f commands/s from %d s on (rate limits %s)%n", run, run, baseUrl, quietRate, durationSeconds,
        noisyRate, floodStartSeconds, noisyLimits);
  }

  @Override
  protected void report(Report report) {
    List<CommandLog.Command> quietAll = log.commands(c -> c.group() == QUIET);
    List<CommandLog.Command> noisyAll = log.commands(c -> c.group() == NOISY);
    long floodStart = noisyAll.stream().mapToLong(CommandLog.Command::sentNanos).min().orElse(Long.MAX_VALUE);
    long floodEnd = noisyAll.stream().mapToLong(CommandLog.Command::sentNanos).max().orElse(Long.MAX_VALUE);
    long measuredFrom = measuredFrom(quietAll, warmupSeconds);
    List<CommandLog.Command> alone = log.commands(c -> c.group() == QUIET && c.sentNanos() >= measuredFrom
        && c.sentNanos() < floodStart);
    List<CommandLog.Command> flooded = log.commands(c -> c.group() == QUIET && c.sentNanos() >= floodStart
        && c.sentNanos() <= floodEnd);

    report.row("target", baseUrl + "/slack/commands")
        .row("quiet tenant", String.format(Locale.ROOT, "%s, %.2f commands/s for %d s (the first %d s left out)",
            tenants.get(QUIET).id(), quietRate, durationSeconds, warmupSeconds))
        .row("noisy tenant", String.format(Locale.ROOT, "%s, %.2f commands/s from %d s to %d s, rate limits %s",
            tenants.get(NOISY).id(), noisyRate, floodStartSeconds, durationSeconds, noisyLimits));

    report.section("quiet tenant: alone against during the flood (ms; done = acknowledged -> result)");
    List<List<String>> rows = new ArrayList<>();
    rows.add(phaseRow("alone", alone));
    rows.add(phaseRow("during the flood", flooded));
    report.table(List.of("phase", "sent", "accepted", "refused", "errors", "lost", "ack p50", "ack p99", "done p50",
        "done p99"), rows);
    report.row("ack p50 flood / alone", Latencies.ratio(ackLatencies(flooded), ackLatencies(alone), 50))
        .row("ack p99 flood / alone", Latencies.ratio(ackLatencies(flooded), ackLatencies(alone), 99))
        .row("done p99 flood / alone", Latencies.ratio(doneLatencies(flooded), doneLatencies(alone), 99));
    outcomeRows(report, "quiet, whole run: ", quietAll);

    report.section("noisy tenant");
    outcomeRows(report, "noisy ", noisyAll);
    latencyRow(report, "noisy ack (ms)", ackLatencies(noisyAll));
    latencyRow(report, "noisy ack-to-result (ms)", doneLatencies(noisyAll));
    report.section("reply receiver");
    receiverRows(report);
  }

  private static List<String> phaseRow(String phase, List<CommandLog.Command> commands) {
    long[] counts = CommandLog.outcomes(commands);
    Latencies ack = ackLatencies(commands);
    Latencies done = doneLatencies(commands);
    return List.of(phase, Long.toString(counts[0]), Long.toString(counts[1]), Long.toString(counts[2]),
        Long.toString(counts[3]), Long.toString(commands.stream().filter(CommandLog.Command::lost).count()),
        ack.ms(50), ack.ms(99), done.ms(50), done.ms(99));
  }
}
