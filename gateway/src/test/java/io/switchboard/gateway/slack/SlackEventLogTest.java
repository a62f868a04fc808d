package io.switchboard.gateway.slack;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.tenancy.Tenants;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Slack's retries of an event act once, and a delivery whose handling was lost is not a duplicate forever. */
class SlackEventLogTest {

  private Vertx vertx;
  private DatabaseUrl url;
  private SlackEventLog log;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    Pool pool = TestDatabase.pool(vertx, url);
    Await.result(Tenants.createIfAbsent(pool, "acme", "Acme"));
    Await.result(Tenants.createIfAbsent(pool, "globex", "Globex"));
    log = new SlackEventLog(pool);
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  void aRetryOfADeliveryThatActedIsADuplicateHoweverLate() {
    assertThat(Await.result(log.take("acme", "Ev1", "app_mention"))).isTrue();
    Await.result(log.done("acme", "Ev1"));
    assertThat(Await.result(log.take("acme", "Ev1", "app_mention"))).isFalse();
    receivedMinutesAgo("Ev1", 10);
    assertThat(Await.result(log.take("acme", "Ev1", "app_mention"))).isFalse();
  }

  @Test
  void aDeliveryStillBeingHandledMakesAnEarlyRetryADuplicate() {
    assertThat(Await.result(log.take("acme", "Ev2", "app_mention"))).isTrue();
    assertThat(Await.result(log.take("acme", "Ev2", "app_mention"))).isFalse();
  }

  @Test
  void aDeliveryTakenAndNeverDoneIsTakenAgainByALaterRetry() {
    // Its handling failed and forgetting it failed too (PostgreSQL was going away): taken, not done.
    assertThat(Await.result(log.take("acme", "Ev3", "app_mention"))).isTrue();
    receivedMinutesAgo("Ev3", 1);

    assertThat(Await.result(log.take("acme", "Ev3", "app_mention"))).as("Slack's retry a minute later").isTrue();
    assertThat(Await.result(log.take("acme", "Ev3", "app_mention"))).as("the next retry, at once").isFalse();
  }

  @Test
  void oneTenantsEventIdsNeverSuppressAnothers() {
    assertThat(Await.result(log.take("acme", "Ev4", "app_mention"))).isTrue();
    Await.result(log.done("acme", "Ev4"));
    assertThat(Await.result(log.take("globex", "Ev4", "app_mention"))).isTrue();
  }

  private void receivedMinutesAgo(String eventId, int minutes) {
    TestDatabase.execute(url, "UPDATE slack_events SET received_at = now() - interval '" + minutes + " minutes' "
        + "WHERE event_id = '" + eventId + "'");
  }
}
