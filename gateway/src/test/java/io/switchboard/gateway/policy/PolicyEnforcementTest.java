package io.switchboard.gateway.policy;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.tenancy.policy.PolicyStore;
import io.switchboard.testkit.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The policy of {@code docs/examples/policy.json}, enforced through the real slash-command endpoint. */
@DisplayName("policy enforcement on /slack/commands")
class PolicyEnforcementTest {

  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    fixture = new GatewayFixture();
    // Without the year-end freeze, so the outcome does not depend on the day the tests run.
    fixture.putPolicy("acme", GatewayFixture.examplePolicy().put("freezeWindows", new JsonArray()));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  @DisplayName("an allowed catalog command becomes a job with the catalog's timeout and attempts, its decision audited")
  void allowedCommandIsQueued() {
    String answer = awaitAnswer("U0ALICE", "C0RANDOM", "deploy staging api --version 1.4.2", "Queued as job");

    assertThat(answer).contains("Queued as job");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'acme' AND command = 'deploy' "
        + "AND action = 'github-actions' AND timeout_ms = 1800000 AND max_attempts = 1 "
        + "AND arguments->'inputs'->>'environment' = 'staging' AND arguments->'inputs'->>'version' = '1.4.2'"))
        .isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme' AND event_type = 'job.queued' "
        + "AND detail::jsonb->'decision'->>'reason' = 'allowed by role developer'")).isEqualTo(1);
  }

  @Test
  @DisplayName("a second deploy of the same service and environment is queued behind the first, and the user is told why")
  void sameTargetWaits() {
    String first = awaitAnswer("U0ALICE", "C0RANDOM", "deploy staging api --version 1.4.2", "Queued as job");
    long firstJob = Long.parseLong(first.replaceAll("^Queued as job (\\d+):.*$", "$1"));

    String second = fixture.acmeAnswer("U0BOB", "C0RANDOM", "ship staging api --version 1.4.3").getString("text");
    String otherService = fixture.acmeAnswer("U0BOB", "C0RANDOM", "deploy staging web --version 1.4.3").getString("text");

    assertThat(second).contains("It waits for job " + firstJob
        + " (`/ops deploy staging api --version 1.4.2`, queued): both change `staging/api`.");
    assertThat(otherService).doesNotContain("waits");
    assertThat(fixture.count("SELECT count(*) FROM job_locks WHERE environment = 'staging' AND target = 'api'")).isEqualTo(2);
  }

  @Test
  @DisplayName("a denied command is refused with the reason, audited with it, and makes no job")
  void deniedCommandIsRefused() {
    String answer = awaitAnswer("U0BOB", "C0DEPLOYS", "deploy production api --version 1.4.2", "needs role");

    assertThat(answer).isEqualTo("`deploy` in production on api needs role deployer in #C0DEPLOYS");
    assertThat(fixture.jobCount()).isZero();
    var globex = fixture.globexCommand("deploy staging api --version 1.4.2").post(fixture.baseUrl());
    assertThat(new JsonObject(globex.body()).getString("text")).as("acme's catalog is acme's alone")
        .startsWith("Unknown command 'deploy'");
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme' "
        + "AND event_type = 'command.refused' AND actor = 'U0BOB' "
        + "AND detail::jsonb->>'reason' LIKE '%needs role deployer%'")).isEqualTo(1);
  }

  @Test
  @DisplayName("help and whoami show only what the user may run and the roles they hold")
  void helpAndWhoamiFollowThePolicy() {
    awaitAnswer("U0ALICE", "C0RANDOM", "help", "deploy");

    String aliceHelp = fixture.acmeAnswer("U0ALICE", "C0RANDOM", "help").getString("text");
    String eveHelp = fixture.acmeAnswer("U0EVE", "C0RANDOM", "help").getString("text");
    assertThat(aliceHelp).contains("`/ops deploy &lt;environment&gt; &lt;service,...&gt; --version &lt;version&gt;`")
        .contains("`/ops scale").doesNotContain("`/ops errors");
    assertThat(eveHelp).contains("`/ops echo").doesNotContain("deploy").doesNotContain("scale");
    assertThat(fixture.acmeAnswer("U0ALICE", "C0RANDOM", "help ship").getString("text"))
        .contains("Deploy a service version").contains("one of staging, production").contains("Example:");
    assertThat(fixture.acmeAnswer("U0EVE", "C0RANDOM", "help deploy").getString("text"))
        .contains("There is no command `deploy` that you can run here");
    assertThat(fixture.acmeAnswer("U0ALICE", "C0RANDOM", "whoami").getString("text"))
        .contains("Your roles: `developer`, `deployer`");
    assertThat(fixture.acmeAnswer("U0EVE", "C0RANDOM", "whoami").getString("text")).contains("no roles");
  }

  @Test
  @DisplayName("a parse error names the argument, its allowed values and the usage")
  void parseErrorsArePrecise() {
    String answer = awaitAnswer("U0ALICE", "C0RANDOM", "deploy prod api --version 1.4.2", "unknown environment");
    assertThat(answer).startsWith("unknown environment 'prod'; one of: staging, production. Usage:");
    assertThat(fixture.jobCount()).isZero();
    assertThat(fixture.acmeAnswer("U0ALICE", "C0RANDOM", "deploy <!channel> api --version 1.4.2").getString("text"))
        .startsWith("unknown environment '&lt;!channel&gt;'; one of: staging, production. Usage: `deploy &lt;environment&gt;");
  }

  @Test
  @DisplayName("jobs and job <id> show the user's jobs; another user's job elsewhere is not shown")
  void jobsAndJob() {
    String queued = awaitAnswer("U0ALICE", "C0RANDOM", "echo one", "Queued as job");
    long jobId = Long.parseLong(queued.replaceAll("^Queued as job (\\d+):.*$", "$1"));

    assertThat(fixture.acmeAnswer("U0ALICE", "C0RANDOM", "jobs").getString("text"))
        .startsWith("Your last 1 job:\n").contains("• job " + jobId + " `/ops echo one` — queued (")
        .matches("(?s).* — queued \\(\\d{1,2} [A-Z][a-z]{2} \\d{4}, \\d{2}:\\d{2}:\\d{2} UTC\\)$");
    assertThat(fixture.acmeAnswer("U0ALICE", "C0OTHER", "job " + jobId).getString("text"))
        .isEqualTo("Job " + jobId + " `/ops echo one` is queued.");
    assertThat(fixture.acmeAnswer("U0BOB", "C0OTHER", "job " + jobId).getString("text"))
        .isEqualTo("There is no job " + jobId + " that you can see here.");
    assertThat(fixture.acmeAnswer("U0BOB", "C0OTHER", "jobs").getString("text")).isEqualTo("You have no jobs yet.");

    fixture.count("WITH running AS (UPDATE jobs SET status = 'running', attempts = 1, progress = 'step 2 of 3', "
        + "progress_at = now() WHERE id = " + jobId + " RETURNING 1) SELECT count(*) FROM running");
    assertThat(fixture.acmeAnswer("U0ALICE", "C0RANDOM", "job " + jobId).getString("text"))
        .startsWith("Job " + jobId + " `/ops echo one` is running (attempt 1).\nLatest progress (")
        .endsWith("): step 2 of 3").doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}T").containsPattern(" \\d{2}:\\d{2}:\\d{2} UTC\\)");
    awaitAnswer("U0ALICE", "C0RANDOM", "echo two", "Queued as job");
    assertThat(fixture.acmeAnswer("U0ALICE", "C0RANDOM", "jobs").getString("text")).startsWith("Your last 2 jobs:\n");
  }

  @Test
  @DisplayName("a policy change is picked up without a restart, announced or not")
  void policyChangeIsPickedUp() {
    awaitAnswer("U0EVE", "C0RANDOM", "errors production api", "needs role viewer");

    JsonObject withEve = GatewayFixture.examplePolicy().put("freezeWindows", new JsonArray());
    withEve.getJsonArray("bindings").add(new JsonObject().put("role", "viewer")
        .put("subjects", new JsonArray().add("slack:user:U0EVE")));
    fixture.putPolicy("acme", withEve);
    awaitAnswer("U0EVE", "C0RANDOM", "errors production api", "Queued as job");

    // Written without telling anyone (a lost event-bus message): the periodic version check finds it.
    JsonObject withoutErrors = withEve.copy();
    withoutErrors.getJsonArray("roles").getJsonObject(0).getJsonArray("permissions").getJsonObject(0)
        .put("commands", new JsonArray().add("scale"));
    Await.result(fixture.pool().withTransaction(tx -> PolicyStore.loadForUpdate(tx, "acme")
        .compose(current -> PolicyStore.replace(tx, "acme", current.version(), withoutErrors, "test"))));
    awaitAnswer("U0EVE", "C0RANDOM", "errors production api", "is not permitted to any role");
  }

  /** Policies reach the gateway asynchronously; asks until the answer says what is expected. */
  private String awaitAnswer(String user, String channel, String text, String expected) {
    String[] last = new String[1];
    Await.until("'" + text + "' answered with '" + expected + "'", () -> {
      last[0] = fixture.acmeAnswer(user, channel, text).getString("text");
      return last[0].contains(expected);
    });
    return last[0];
  }
}
