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
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Sends correctly signed Slack slash commands ({@code /ops echo <key>}) from one existing tenant (by
 * default the demo tenant) to a running Switchboard server at a constant rate and reports figures; it
 * asserts nothing.
 *
 * <p>Two things are measured:
 *
 * <ul>
 *   <li>the HTTP acknowledgement of {@code POST /slack/commands} (Gatling's own report), checked for
 *       status 200 and an answer containing "Queued as job";
 *   <li>the end-to-end latency from sending a command until the server POSTs the job result to the
 *       command's {@code response_url}, on the simulation's reply receiver on {@code 127.0.0.1:replyPort}.
 *       A result is matched to its command by the key in its text, also inside a digest.
 * </ul>
 *
 * <p>System properties: {@code baseUrl}, {@code teamId}, {@code signingSecret} (required), {@code rate},
 * {@code duration}, {@code replyPort}, plus the optional {@code replyWait}, {@code userId},
 * {@code channelId}, {@code channels} and {@code adminToken} (the tenant's admin API token: with it, the
 * run first raises the tenant's rate limits so that they do not shape the figures). See
 * {@code loadtests/README.md}.
 */
public class SlashCommandSimulation extends NodeSimulation {

  private static final String QUEUED = "Queued as job";

  private final String teamId = Props.string("teamId", "T0DEMO");
  private final String signingSecret = Props.required("signingSecret", "the Slack signing secret the server "
      + "verifies, e.g. -DsigningSecret=loadtest-secret when it runs with SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET=loadtest-secret");
  private final String adminToken = Props.string("adminToken", "");
  private final SwitchboardApi.Tenant tenant = new SwitchboardApi.Tenant("", teamId, signingSecret, adminToken);
  private final double rate = Props.decimal("rate", 20, 0, false, 100_000);
  private final int durationSeconds = Props.integer("duration", 30, 1, 86_400);
  private final String userId = Props.string("userId", "U0LOAD");
  private final String channelId = Props.string("channelId", "C0LOAD");
  /** Commands are spread over this many channels ({@code channelId} + a number when more than one). */
  private final int channels = Props.integer("channels", 1, 1, 100_000);

  private final ScenarioBuilder scenario = scenario("Slack slash command /ops")
      .exec(SlackSteps.slashCommand("POST /slack/commands", log, QUEUED,
          session -> echo(0, tenant, userId, channelId, channels)));

  public SlashCommandSimulation() {
    super("Switchboard slash-command load test");
    setUp(scenario.injectOpen(constantUsersPerSec(rate).during(Duration.ofSeconds(durationSeconds))))
        .protocols(SlackSteps.protocol(baseUrl));
  }

  /**
   * Every command of this run comes from one user, far beyond any sensible rate limit; with
   * {@code adminToken} the tenant's limits are raised through the admin API (read the policy's ETag,
   * write the {@code rateLimits} section with If-Match) before the first command.
   */
  @Override
  protected void prepare() {
    System.out.printf(Locale.ROOT, "%nSwitchboard load test: %s/slack/commands, team %s, %.2f commands/s for %d s%n",
        baseUrl, tenant.teamId(), rate, durationSeconds);
    if (tenant.adminToken().isBlank()) {
      System.out.printf(Locale.ROOT, "No -DadminToken: the tenant's rate limits apply (by default 10 commands at "
          + "once and 30 a minute per user), so most commands will be refused as too many.%n");
      return;
    }
    long perMinute = Math.min(100_000, Math.max(60, (long) Math.ceil(rate * 60 * 2)));
    String bucket = "{\"burst\": " + perMinute + ", \"perMinute\": " + perMinute + "}";
    String limits = "{\"tenant\": " + bucket + ", \"user\": " + bucket + ", \"channel\": " + bucket + "}";
    String version = api.putPolicy(tenant.adminToken(), "/rateLimits", limits);
    System.out.printf(Locale.ROOT, "Raised the tenant's rate limits to %s (policy version %s); "
        + "gateways pick the change up within a few seconds.%n", limits, version);
    pause(3_000);
  }

  @Override
  protected void report(Report report) {
    List<CommandLog.Command> all = log.commands(c -> true);
    report.row("target", baseUrl + "/slack/commands (team " + tenant.teamId() + ")")
        .row("injection", String.format(Locale.ROOT, "%.2f commands/s for %d s, %d channel(s)", rate,
            durationSeconds, channels));
    outcomeRows(report, "commands ", all);
    receiverRows(report);
    latencyRow(report, "ack (ms)", ackLatencies(all));
    Latencies reply = Latencies.of(all.stream().filter(c -> c.accepted() && c.replied())
        .mapToLong(c -> c.doneMicrosSince(c.sentNanos())));
    latencyRow(report, "reply latency (ms)", reply);
    report.row("reply latency p95 (ms)", reply.ms(95));
    report.note("(reply latency = command sent -> job result POSTed back to response_url)");
  }
}
