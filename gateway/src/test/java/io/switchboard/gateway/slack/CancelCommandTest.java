package io.switchboard.gateway.slack;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("/ops cancel <job>")
class CancelCommandTest {

  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    fixture = new GatewayFixture();
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  @DisplayName("cancels the requester's own queued job at once, audited and announced")
  void cancelsOwnQueuedJob() {
    long job = queue("U0ALICE", "echo later");
    assertThat(fixture.acmeSays("U0ALICE", "cancel " + job)).isEqualTo("Cancelled job " + job + " before it started.");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'cancelled' AND finished_at IS NOT NULL "
        + "AND cancel_requested_by = 'U0ALICE' AND id = " + job)).isEqualTo(1);
    assertThat(fixture.auditTypes("acme")).containsExactly("command.received", "job.queued", "job.cancelled");
    Await.until("the cancellation is announced", () -> fixture.finished().stream()
        .anyMatch(f -> f.getLong("jobId") == job && "cancelled".equals(f.getString("status"))));
    Await.until("the requester is told in the channel", () -> fixture.slack().posts().stream()
        .anyMatch(p -> p.message().encode().contains("cancelled")));
  }

  @Test
  @DisplayName("asks the executor to stop a running job")
  void stopsARunningJob() {
    long job = queue("U0ALICE", "echo slow");
    TestDatabase.execute(fixture.url(), "UPDATE jobs SET status = 'running', lease_id = gen_random_uuid() WHERE id = " + job);
    assertThat(fixture.acmeSays("U0ALICE", "cancel #" + job)).startsWith("Stopping job " + job);
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'running' AND cancel_requested_at IS NOT NULL "
        + "AND id = " + job)).isEqualTo(1);
    Await.until("the executors are told", () -> fixture.cancels().stream()
        .anyMatch(c -> c.getLong("jobId") == job && "acme".equals(c.getString("tenantId"))
            && "U0ALICE".equals(c.getString("by"))));
    assertThat(fixture.acmeSays("U0ALICE", "cancel " + job)).contains("already");
    assertThat(fixture.auditTypes("acme")).containsExactly("command.received", "job.queued", "job.cancel_requested");
  }

  @Test
  @DisplayName("refuses someone else's job, a finished job, a missing job and a bad number")
  void refusals() {
    long job = queue("U0ALICE", "echo mine");
    assertThat(fixture.acmeSays("U0BOB", "cancel " + job)).contains("started by someone else");
    TestDatabase.execute(fixture.url(), "UPDATE jobs SET status = 'succeeded', finished_at = now() WHERE id = " + job);
    assertThat(fixture.acmeSays("U0ALICE", "cancel " + job)).contains("already ended");
    assertThat(fixture.acmeSays("U0ALICE", "cancel 999999")).isEqualTo("There is no job 999999 here.");
    assertThat(fixture.acmeSays("U0ALICE", "cancel soon")).contains("needs a job number");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'cancelled'")).isZero();
  }

  @Test
  @DisplayName("never reaches another tenant's job")
  void tenantScoped() {
    TestDatabase.execute(fixture.url(), "INSERT INTO jobs (tenant_id, idempotency_key, platform, requester, command, "
        + "command_text, action, arguments, reply_to, status) VALUES ('globex', 'g1', 'slack', 'U0ALICE', 'echo', "
        + "'/ops echo globex', 'echo', '{}', '{}', 'queued')");
    long globexJob = fixture.count("SELECT id FROM jobs WHERE tenant_id = 'globex'");
    assertThat(fixture.acmeSays("U0ALICE", "cancel " + globexJob)).isEqualTo("There is no job " + globexJob + " here.");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE status = 'queued' AND id = " + globexJob)).isEqualTo(1);
  }

  private long queue(String user, String text) {
    Matcher queued = Pattern.compile("Queued as job (\\d+)").matcher(fixture.acmeSays(user, text));
    assertThat(queued.find()).isTrue();
    return Long.parseLong(queued.group(1));
  }
}
