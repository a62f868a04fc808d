package io.switchboard.gateway.policy;

import io.switchboard.gateway.GatewayFixture;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token buckets through the real endpoint. The limits refill by one a minute, so no token comes back
 * while a test runs and the outcome does not depend on timing.
 */
@DisplayName("rate limits on /slack/commands")
class RateLimitTest {

  private GatewayFixture fixture;

  @BeforeEach
  void start() {
    fixture = new GatewayFixture();
    fixture.putPolicy("acme", new JsonObject("""
        {"rateLimits": {"tenant": {"burst": 6, "perMinute": 1},
                        "user": {"burst": 3, "perMinute": 1},
                        "channel": {"burst": 100, "perMinute": 100}}}"""));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  @DisplayName("a user's burst beyond the limit is refused politely with the wait, audited, and never queued")
  void userBurstIsLimited() {
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      answers.add(fixture.acmeSays("U0ALICE", "echo " + i));
    }

    assertThat(answers.subList(0, 3)).allSatisfy(answer -> assertThat(answer).startsWith("Queued as job"));
    assertThat(answers.subList(3, 5)).allSatisfy(answer -> assertThat(answer)
        .matches("Too many commands from you: the limit is 3 at once and 1 a minute\\. Try again in \\d+ s\\."));
    assertThat(fixture.jobCount()).isEqualTo(3);
    assertThat(fixture.count("SELECT count(*) FROM audit_events WHERE tenant_id = 'acme' "
        + "AND event_type = 'command.refused' AND detail::jsonb->>'reason' LIKE 'Too many commands from you%'"))
        .isEqualTo(2);
    assertThat(fixture.acmeSays("U0BOB", "echo other user")).startsWith("Queued as job");
  }

  @Test
  @DisplayName("one tenant's flood uses up its own budget, not another tenant's, and help still answers")
  void tenantsHaveSeparateBudgets() {
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(fixture.acmeSays("U0USER" + i, "echo flood " + i));
    }

    assertThat(answers.subList(0, 6)).allSatisfy(answer -> assertThat(answer).startsWith("Queued as job"));
    assertThat(answers.subList(6, 8)).allSatisfy(answer -> assertThat(answer)
        .startsWith("Too many commands from this workspace: the limit is 6 at once"));
    assertThat(fixture.acmeSays("U0USER9", "help")).startsWith("Commands you can run here");

    var globex = fixture.globexCommand("echo still fine").post(fixture.baseUrl());
    assertThat(new JsonObject(globex.body()).getString("text")).startsWith("Queued as job");
    assertThat(fixture.count("SELECT count(*) FROM jobs WHERE tenant_id = 'globex'")).isEqualTo(1);
    assertThat(fixture.count("SELECT count(*) FROM rate_buckets WHERE tenant_id = 'globex' AND bucket = 'tenant' "
        + "AND tokens > 100")).isEqualTo(1);
  }
}
