package io.switchboard.gateway.policy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.GroupCommit;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.testkit.slack.SlackResponseUrlServer;
import io.switchboard.core.job.NewJob;
import io.switchboard.gateway.GatewayFixture;
import io.switchboard.gateway.JobEnqueuer;
import io.switchboard.gateway.approval.Approvals;
import io.switchboard.gateway.approval.ApprovalMessages;
import io.switchboard.tenancy.policy.ApprovalRequirement;
import io.switchboard.tenancy.policy.CommandRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two-person rule end to end: {@code deploy production} needs one approval from role approver
 * (the example policy's rule), asked for with a card in the channel and granted by clicks on
 * {@code /slack/interactions}.
 */
@DisplayName("approvals through /slack/commands and /slack/interactions")
class ApprovalFlowTest {

  private static final String DEPLOY = "deploy production api --version 1.4.2";

  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    fixture = new GatewayFixture();
    fixture.putPolicy("acme", GatewayFixture.examplePolicy().put("freezeWindows", new JsonArray()));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  @DisplayName("a second user with the approver role approves: the job is created once, on another gateway node")
  void approvalGrantedBySecondUser() {
    long approval = requestApproval();
    String secondNode = fixture.startSecondGateway();

    JsonObject card = click(secondNode, "U0CAROL", ApprovalMessages.APPROVE, approval);

    assertThat(card.getString("text")).startsWith("approved: /ops " + DEPLOY);
    assertThat(card.getJsonArray("blocks").encode()).contains("Approved by <@U0CAROL>").doesNotContain("approval.approve");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND idempotency_key = 'approval:"
        + approval + "' AND requester = 'U0ALICE' AND command = 'deploy' AND status = 'queued' "
        + "AND reply_to->>'url' LIKE '%/click-%'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM jobs j JOIN job_locks l ON l.job_id = j.id WHERE j.idempotency_key = "
        + "'approval:" + approval + "' AND l.environment = 'production' AND l.target = 'api' AND l.exclusive"))
        .as("the approved job holds the target its request held").isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM approvals WHERE id = " + approval
        + " AND status = 'approved' AND decided_by = 'U0CAROL' AND job_id IS NOT NULL")).isEqualTo(1);
    assertThat(fixture.auditTypes("acme")).containsSubsequence("approval.requested", "approval.voted",
        "command.received", "job.queued", "approval.granted");

    JsonObject again = click(fixture.baseUrl(), "U0DAVE", ApprovalMessages.APPROVE, approval);
    assertThat(again.getJsonArray("blocks").encode()).contains("Approved by <@U0CAROL>");
    assertThat(fixture.jobCount()).isEqualTo(1);

    JsonObject read = apiGet("/api/v1/approvals/" + approval);
    assertThat(read.getString("status")).isEqualTo("approved");
    assertThat(read.getString("requester")).isEqualTo("U0ALICE");
    assertThat(read.getLong("jobId")).isEqualTo(fixture.count("SELECT id FROM jobs"));
    assertThat(read.getJsonArray("votes")).singleElement()
        .satisfies(vote -> assertThat(((JsonObject) vote).getString("voter")).isEqualTo("U0CAROL"));
    assertThat(apiGet("/api/v1/approvals?status=approved").getJsonArray("approvals")).hasSize(1);
    assertThat(apiGet("/api/v1/approvals?status=pending").getJsonArray("approvals")).isEmpty();
    assertThat(apiGet("/api/v1/approvals?requester=U0BOB").getJsonArray("approvals")).isEmpty();
  }

  private JsonObject apiGet(String path) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(fixture.baseUrl() + path)).header("Authorization", "Bearer " + GatewayFixture.ACME_TOKEN).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return new JsonObject(response.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("a rule needing two approvals counts distinct people: a second click by the same person does not count")
  void twoApprovalsFromTwoPeople() {
    JsonObject policy = GatewayFixture.examplePolicy().put("freezeWindows", new JsonArray());
    policy.getJsonArray("approvalRules").getJsonObject(0).put("approvals", 2);
    fixture.putPolicy("acme", policy);
    long approval = awaitApprovalNeeding(2);

    JsonObject first = click(fixture.baseUrl(), "U0CAROL", ApprovalMessages.APPROVE, approval);
    JsonObject again = click(fixture.baseUrl(), "U0CAROL", ApprovalMessages.APPROVE, approval);

    assertThat(first.getJsonArray("blocks").encode()).contains("approved so far by <@U0CAROL>")
        .contains(ApprovalMessages.APPROVE);
    assertThat(again.getString("text")).isEqualTo("You have already voted on approval " + approval + ".");
    assertThat(fixture.jobCount()).isZero();

    JsonObject second = click(fixture.baseUrl(), "U0DAVE", ApprovalMessages.APPROVE, approval);

    assertThat(second.getJsonArray("blocks").encode()).contains("Approved by <@U0CAROL>, <@U0DAVE>");
    assertThat(fixture.jobCount()).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM approval_votes WHERE approval_id = " + approval)).isEqualTo(2);
  }

  /** Asks until the gateway has the policy whose rule needs {@code approvals}; returns the approval's id. */
  private long awaitApprovalNeeding(int approvals) {
    long[] id = new long[1];
    Await.until("an approval needing " + approvals, () -> {
      id[0] = requestApproval();
      return fixture.count("SELECT approvals_needed FROM approvals WHERE id = " + id[0]) == approvals;
    });
    return id[0];
  }

  @Test
  @DisplayName("the requester cannot approve their own request, nor can a user without the approver role")
  void selfApprovalIsRefused() {
    long approval = requestApproval();

    JsonObject own = click(fixture.baseUrl(), "U0ALICE", ApprovalMessages.APPROVE, approval);
    JsonObject stranger = click(fixture.baseUrl(), "U0BOB", ApprovalMessages.APPROVE, approval);

    assertThat(own.getString("response_type")).isEqualTo("ephemeral");
    assertThat(own.getString("text")).startsWith("You cannot approve your own request");
    assertThat(stranger.getString("text")).startsWith("Only holders of role `approver` can vote");
    assertThat(fixture.jobCount()).isZero();
    assertThat(fixture.count("SELECT count(*) FROM approvals WHERE status = 'pending'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE event_type = 'approval.vote_refused'"))
        .isEqualTo(2);
  }

  @Test
  @DisplayName("a denial ends the request: nothing runs, and later approvals change nothing")
  void denialEndsIt() {
    long approval = requestApproval();

    JsonObject denied = click(fixture.baseUrl(), "U0DAVE", ApprovalMessages.DENY, approval);
    JsonObject late = click(fixture.baseUrl(), "U0CAROL", ApprovalMessages.APPROVE, approval);

    assertThat(denied.getJsonArray("blocks").encode()).contains("Denied by <@U0DAVE>");
    assertThat(late.getJsonArray("blocks").encode()).contains("Denied by <@U0DAVE>");
    assertThat(fixture.jobCount()).isZero();
    assertThat(fixture.auditTypes("acme")).containsSubsequence("approval.requested", "approval.voted",
        "approval.denied");
  }

  @Test
  @DisplayName("an expired approval runs nothing: a late click closes it, and the sweep closes the rest")
  void expiredApproval() {
    long clicked = requestApproval();
    long swept = requestApproval();
    fixture.count("WITH moved AS (UPDATE approvals SET deadline = now() - interval '1 second' RETURNING 1) "
        + "SELECT count(*) FROM moved");

    JsonObject late = click(fixture.baseUrl(), "U0CAROL", ApprovalMessages.APPROVE, clicked);
    List<Long> told = new ArrayList<>();
    Approvals sweeper = new Approvals(fixture.vertx(), fixture.pool(),
        new JobEnqueuer(new GroupCommit(fixture.pool(), fixture.vertx().eventBus(), new GatewayMetrics(new SimpleMeterRegistry())),
            fixture.vertx().eventBus()), Duration.ofHours(1), a -> told.add(a.id()));
    int closed = Await.result(sweeper.expireDue());

    assertThat(late.getJsonArray("blocks").encode()).contains("Expired at").contains("Nothing ran");
    assertThat(closed).isEqualTo(1);
    assertThat(told).containsExactly(swept);
    assertThat(fixture.jobCount()).isZero();
    assertThat(fixture.count("SELECT count(*) FROM approvals WHERE status = 'expired'")).isEqualTo(2);
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE event_type = 'approval.expired'")).isEqualTo(2);
  }

  @Test
  @DisplayName("clicks that are unsigned, forged, malformed, or for another tenant's approval change nothing")
  void badClicksAreRefused() {
    long approval = requestApproval();

    HttpResponse<String> unsigned = fixture.acmeClick("U0CAROL", "C0DEPLOYS", ApprovalMessages.APPROVE, approval)
        .withoutSignature().post(fixture.baseUrl());
    HttpResponse<String> forged = fixture.acmeClick("U0CAROL", "C0DEPLOYS", ApprovalMessages.APPROVE, approval)
        .signedWith("not-the-secret").post(fixture.baseUrl());
    HttpResponse<String> garbage = fixture.acmeClick("U0CAROL", "C0DEPLOYS", ApprovalMessages.APPROVE, approval)
        .rawBody("payload=%7Bnot+json").post(fixture.baseUrl());
    HttpResponse<String> unknownAction = fixture.acmeClick("U0CAROL", "C0DEPLOYS", "approval.delete", approval)
        .post(fixture.baseUrl());
    HttpResponse<String> noUser = SignedSlashCommand.of(GatewayFixture.ACME_SECRET, "T0ACME", "", "unused")
        .rawBody("payload=" + URLEncoder.encode(new JsonObject().put("type", "block_actions")
            .put("team", new JsonObject().put("id", "T0ACME"))
            .put("actions", new JsonArray().add(new JsonObject().put("action_id", ApprovalMessages.APPROVE)
                .put("value", Long.toString(approval)))).encode(), StandardCharsets.UTF_8))
        .to("/slack/interactions").post(fixture.baseUrl());
    long globexApproval = Await.result(new Approvals(fixture.vertx(), fixture.pool(),
        new JobEnqueuer(new GroupCommit(fixture.pool(), fixture.vertx().eventBus(), new GatewayMetrics(new SimpleMeterRegistry())),
            fixture.vertx().eventBus()), Duration.ofHours(1), a -> { })
        .request(new CommandRequest("globex", "slack", "T0GLOBEX", "U0GLOBEX", "C0GLOBEX"),
            new NewJob("globex", "slack:globex-1", "slack", "U0GLOBEX", "C0GLOBEX", "echo", "/ops echo x", "echo",
                new JsonObject().put("text", "x"), new JsonObject().put("kind", "slack_response_url")
                .put("url", fixture.slack().responseUrl("globex"))),
            new ApprovalRequirement("globex-rule", 1, "approver", Duration.ofMinutes(5)), "globex needs approval", 1,
            Instant.now())).approval().id();
    JsonObject missing = click(fixture.baseUrl(), "U0CAROL", ApprovalMessages.APPROVE, globexApproval);

    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(garbage.statusCode()).isEqualTo(401);
    assertThat(unknownAction.statusCode()).isEqualTo(400);
    assertThat(unknownAction.body()).contains("unknown action 'approval.delete'");
    assertThat(noUser.statusCode()).isEqualTo(400);
    assertThat(noUser.body()).contains("user is missing");
    assertThat(missing.getString("text")).isEqualTo("There is no approval " + globexApproval + " here.");
    assertThat(fixture.count("SELECT count(*) FROM approvals WHERE status = 'pending'")).isEqualTo(2);
    assertThat(fixture.count("SELECT count(*) FROM approval_votes")).isZero();
    assertThat(fixture.auditTypes("globex")).containsExactly("approval.requested");
  }

  /** Alice asks for a production deploy in #deploys; returns the approval's id from the card. */
  private long requestApproval() {
    JsonObject card = fixture.acmeAnswer("U0ALICE", "C0DEPLOYS", DEPLOY);
    assertThat(card.getString("response_type")).isEqualTo("in_channel");
    assertThat(card.getString("text")).isEqualTo("Approval needed for /ops " + DEPLOY);
    JsonArray buttons = card.getJsonArray("blocks").getJsonObject(2).getJsonArray("elements");
    assertThat(buttons.getJsonObject(0).getString("action_id")).isEqualTo(ApprovalMessages.APPROVE);
    assertThat(buttons.getJsonObject(1).getString("action_id")).isEqualTo(ApprovalMessages.DENY);
    assertThat(fixture.jobCount()).isZero();
    return Long.parseLong(buttons.getJsonObject(0).getString("value"));
  }

  /** Clicks and returns what Switchboard posted back to the click's response_url. */
  private JsonObject click(String baseUrl, String user, String actionId, long approval) {
    int before = fixture.slack().posts().size();
    HttpResponse<String> response = fixture.acmeClick(user, "C0DEPLOYS", actionId, approval).post(baseUrl);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Await.until("the click is answered", () -> fixture.slack().posts().size() > before);
    List<SlackResponseUrlServer.Post> posts = fixture.slack().posts();
    return posts.get(posts.size() - 1).message();
  }
}
