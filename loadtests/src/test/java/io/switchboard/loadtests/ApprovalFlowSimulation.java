package io.switchboard.loadtests;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.switchboard.loadtests.support.CommandLog;
import io.switchboard.loadtests.support.Latencies;
import io.switchboard.loadtests.support.NodeSimulation;
import io.switchboard.loadtests.support.Props;
import io.switchboard.loadtests.support.ReplyReceiver;
import io.switchboard.loadtests.support.Report;
import io.switchboard.loadtests.support.SlackRequests;
import io.switchboard.loadtests.support.SlackSteps;
import io.switchboard.loadtests.support.SwitchboardApi;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The two-person rule under load. The operator creates a tenant whose policy has one catalog command,
 * {@code release <environment> <service>} (an {@code echo} action), a role {@code releaser} held by
 * {@code requesters} Slack users, a role {@code approver} held by {@code approvers} others, and a rule
 * that a release to production needs one approval from role approver. Each virtual user is one flow:
 * a releaser sends {@code /ops release production <key>} (the key is the service, so no two jobs share
 * a lock), the answer is the approval card with its Approve button, and an approver clicks it: a
 * signed {@code block_actions} payload to {@code /slack/interactions}. Switchboard answers the click
 * with 200, replaces the card through the click's {@code response_url} ("Approved by ...; queued as
 * job N") and posts the job's result there too. The summary gives request-to-card, click-ack,
 * click-to-card-update and approve-to-job-done latencies, and counts of every step and of anything
 * lost. Asserts nothing.
 */
public class ApprovalFlowSimulation extends NodeSimulation {

  private static final String CARD = "Approval needed for";
  private static final String APPROVE = "approval.approve";
  private static final Pattern APPROVAL_ID =
      Pattern.compile("\"action_id\"\\s*:\\s*\"" + Pattern.quote(APPROVE) + "\"[^}]*?\"value\"\\s*:\\s*\"(\\d+)\"");

  /** An approver's click on one flow's card; times are {@link System#nanoTime()}, 0 for "not yet". */
  private static final class Click {
    private final long sentNanos = System.nanoTime();
    private volatile long ackNanos;
    private volatile int status;
    private volatile long updateNanos;
    private volatile boolean approved;

    private boolean acknowledged() {
      return status == 200;
    }
  }

  private final String operatorToken = Props.required("operatorToken",
      "the node's SWITCHBOARD_OPERATOR_TOKEN, which creates the run's tenant");
  private final double rate = Props.decimal("rate", 5, 0, false, 10_000);
  private final int durationSeconds = Props.integer("duration", 20, 1, 86_400);
  private final int requesters = Props.integer("requesters", 5, 1, 1_000);
  private final int approvers = Props.integer("approvers", 3, 1, 1_000);
  private final int channels = Props.integer("channels", 50, 1, 100_000);

  /** Filled in {@code before()}. */
  private volatile SwitchboardApi.Tenant tenant;
  /** By flow key. */
  private final Map<String, Click> clicks = new ConcurrentHashMap<>();
  private final LongAdder cardsWithoutButton = new LongAdder();
  private final LongAdder postsToRequests = new LongAdder();
  private final Map<String, LongAdder> clickAnswers = new ConcurrentHashMap<>();

  private final ScenarioBuilder flow = scenario("approval flow")
      .exec(SlackSteps.slashCommand("request POST /slack/commands", log, CARD, session -> {
        String key = log.newKey();
        long n = CommandLog.number(key);
        return new SlackSteps.Command(key, 0, tenant.signingSecret(), SlackRequests.slashCommand(tenant.teamId(),
            "U0REQ" + (n % requesters), channelOf(n), "release production " + key, replyUrl("request", key), key));
      }))
      .exitHereIfFailed()
      .exec(session -> {
        String key = SlackSteps.keyOf(session);
        Matcher approval = APPROVAL_ID.matcher(SlackSteps.answerOf(session));
        if (!approval.find()) {
          cardsWithoutButton.increment();
          return session.markAsFailed();
        }
        long n = CommandLog.number(key);
        String body = SlackRequests.buttonClick(tenant.teamId(), "U0APR" + (n % approvers), channelOf(n), APPROVE,
            approval.group(1), replyUrl("click", key), key + ".click");
        clicks.put(key, new Click());
        return SlackSteps.sign(session, tenant.signingSecret(), body);
      })
      .exitHereIfFailed()
      .exec(SlackSteps.post("approve POST /slack/interactions", "/slack/interactions", ""))
      .exec(session -> {
        Click click = clicks.get(SlackSteps.keyOf(session));
        click.ackNanos = System.nanoTime();
        click.status = SlackSteps.statusOf(session);
        return session;
      });

  public ApprovalFlowSimulation() {
    super("Switchboard: approval flow");
    setUp(flow.injectOpen(constantUsersPerSec(rate).during(Duration.ofSeconds(durationSeconds))))
        .protocols(SlackSteps.protocol(baseUrl));
  }

  private String channelOf(long n) {
    return "C0APPROVAL" + (n % channels);
  }

  @Override
  protected void prepare() {
    String run = log.runId();
    tenant = api.createSlackTenant(operatorToken, "approval-" + run, "TA" + run.toUpperCase(Locale.ROOT),
        "approval-secret-" + run, policy());
    pause(1_000);
    System.out.printf(Locale.ROOT, "%nTenant %s ready on %s: %.2f approval flows/s for %d s, %d requesters, "
        + "%d approvers%n", tenant.id(), baseUrl, rate, durationSeconds, requesters, approvers);
  }

  /** One catalog command behind an approval rule, the two roles, and limits that never refuse. */
  private String policy() {
    return """
        {"commands": [{"name": "release", "description": "Release a service (load test: an echo)",
           "arguments": [
             {"name": "environment", "type": "enum", "values": ["staging", "production"], "scope": "environment"},
             {"name": "service", "type": "string", "pattern": "[a-z][a-z0-9-]{1,39}", "scope": "target"}],
           "action": {"type": "echo", "parameters": {"text": "released {{service}} to {{environment}}"}},
           "maxAttempts": 1}],
         "roles": [{"name": "releaser", "permissions": [{"commands": ["release"]}]},
                   {"name": "approver", "permissions": []}],
         "bindings": [{"role": "releaser", "subjects": [%s]}, {"role": "approver", "subjects": [%s]}],
         "approvalRules": [{"name": "production-releases", "commands": ["release"], "environments": ["production"],
           "approvals": 1, "approverRole": "approver", "deadlineMinutes": 30}],
         "rateLimits": %s}
        """.formatted(subjects("U0REQ", requesters), subjects("U0APR", approvers), SwitchboardApi.RAISED_RATE_LIMITS);
  }

  /** {@code GET /api/v1/approvals?status=pending} (its first page: 100 at most), or why it could not say. */
  private String pendingApprovals() {
    try {
      String page = api.get(tenant.adminToken(), "/api/v1/approvals?status=pending&limit=100");
      long pending = Pattern.compile("\"status\"\\s*:\\s*\"pending\"").matcher(page).results().count();
      return pending == 100 ? "100 or more" : Long.toString(pending);
    } catch (IllegalStateException e) {
      return "n/a (" + e.getMessage() + ")";
    }
  }

  private static String subjects(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> "\"slack:user:" + prefix + i + "\"")
        .collect(Collectors.joining(", "));
  }

  /**
   * On a click's {@code response_url}: the card replaced ({@code replace_original: true}), an
   * ephemeral answer (a refused vote), or the job's result. Nothing should come to a request's.
   */
  @Override
  protected void received(ReplyReceiver.Post post) {
    if (post.path().startsWith("/request/")) {
      postsToRequests.increment();
      return;
    }
    Click click = post.path().startsWith("/click/") ? clicks.get(post.lastSegment()) : null;
    if (click != null && post.body().contains("\"replace_original\":true")) {
      click.approved = post.body().contains("Approved by");
      click.updateNanos = post.receivedNanos();
    } else if (post.body().contains("\"response_type\":\"ephemeral\"")) {
      Matcher text = Pattern.compile("\"text\":\"([^\"]*)\"").matcher(post.body());
      clickAnswers.computeIfAbsent(text.find() ? text.group(1).replaceAll("\\d+", "#") : post.body(),
          t -> new LongAdder()).increment();
    } else {
      log.replied(post);
    }
  }

  /** Only flows whose click was taken can have a result to wait for. */
  @Override
  protected Predicate<CommandLog.Command> awaited() {
    return command -> {
      Click click = clicks.get(command.key());
      return click != null && click.acknowledged();
    };
  }

  @Override
  protected void report(Report report) {
    List<CommandLog.Command> requests = log.commands(c -> true);
    List<Click> all = List.copyOf(clicks.values());
    List<Click> taken = all.stream().filter(Click::acknowledged).toList();
    List<Click> updated = taken.stream().filter(c -> c.updateNanos != 0).toList();
    List<CommandLog.Command> clickedRequests = log.commands(c -> clicks.containsKey(c.key())
        && clicks.get(c.key()).acknowledged());
    List<CommandLog.Command> done = clickedRequests.stream().filter(CommandLog.Command::replied).toList();

    report.row("target", baseUrl + " (tenant " + tenant.id() + ", workspace " + tenant.teamId() + ")")
        .row("injection", String.format(Locale.ROOT, "%.2f approval flows/s for %d s; %d requesters, %d approvers, "
            + "%d channels", rate, durationSeconds, requesters, approvers, channels));
    report.section("counts");
    long[] counts = CommandLog.outcomes(requests);
    report.row("requests sent", counts[0])
        .row("approval cards (HTTP 200 + card)", counts[1])
        .row("requests refused / errors", counts[2] + " / " + counts[3])
        .row("cards without an Approve button", cardsWithoutButton.sum())
        .row("approve clicks sent", all.size())
        .row("clicks answered HTTP 200", taken.size())
        .row("clicks failed (not 200, or no answer)", all.size() - taken.size())
        .row("cards replaced: approved", updated.stream().filter(c -> c.approved).count())
        .row("cards replaced: other outcome", updated.stream().filter(c -> !c.approved).count())
        .row("jobs done (result posted back)", done.size());
    clickAnswers.forEach((text, count) -> report.row("ephemeral answer to a click x" + count.sum(), text));
    report.section("lost");
    report.row("cards never clicked successfully", counts[1] - taken.size())
        .row("clicks taken, card never replaced", taken.size() - updated.size())
        .row("clicks taken, no job result", clickedRequests.size() - done.size())
        .row("posts to a request's response_url", postsToRequests.sum())
        .row("approvals still pending (admin API)", pendingApprovals());

    report.section("latency (ms)");
    latencyRow(report, "request -> card (the command's answer)", ackLatencies(requests));
    latencyRow(report, "click -> its HTTP 200", Latencies.of(taken.stream()
        .mapToLong(c -> TimeUnit.NANOSECONDS.toMicros(c.ackNanos - c.sentNanos))));
    latencyRow(report, "click -> card replaced", Latencies.of(updated.stream()
        .mapToLong(c -> TimeUnit.NANOSECONDS.toMicros(c.updateNanos - c.sentNanos))));
    latencyRow(report, "click -> job result (approve-to-done)", Latencies.of(done.stream()
        .mapToLong(c -> c.doneMicrosSince(clicks.get(c.key()).sentNanos))));
    report.section("reply receiver");
    receiverRows(report);
  }
}
