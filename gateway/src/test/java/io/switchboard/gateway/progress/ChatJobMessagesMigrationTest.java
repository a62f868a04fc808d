package io.switchboard.gateway.progress;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("V25 moves the job messages of Slack, Discord and Teams into chat_job_messages and drops their tables")
class ChatJobMessagesMigrationTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  void everyRowMovesWithItsAddressAndProgress() {
    DatabaseUrl url = TestDatabase.freshUpTo("24");
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    TestDatabase.execute(url, """
        INSERT INTO slack_job_messages (tenant_id, job_id, channel, ts, progress, created_at)
        VALUES ('acme', 1, 'C1', '1700000000.000100', 'step 2 of 3', '2026-11-01T10:00:00Z'),
               ('globex', 2, 'C2', '1700000000.000200', NULL, '2026-11-01T10:01:00Z')""");
    TestDatabase.execute(url, """
        INSERT INTO discord_job_messages (tenant_id, job_id, progress)
        VALUES ('acme', 3, 'rollout: 1/2'), ('globex', 4, NULL)""");
    TestDatabase.execute(url, """
        INSERT INTO teams_job_activities (tenant_id, job_id, service_url, conversation_id, activity_id, progress,
                                          created_at)
        VALUES ('acme', 5, 'https://smba.example/emea/', '19:acme@thread.tacv2', '1:activity-5', NULL,
                '2026-11-02T09:00:00Z'),
               ('globex', 6, 'https://smba.example/amer/', '19:globex@thread.tacv2', '1:activity-6', 'halfway',
                '2026-11-02T09:30:00Z')""");

    TestDatabase.migrateToLatest(url);

    Pool pool = TestDatabase.pool(vertx, url);
    List<String> rows = new ArrayList<>();
    for (Row row : Await.result(pool.query("""
        SELECT tenant_id, job_id, platform, address, progress,
               to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
        FROM chat_job_messages ORDER BY job_id""").execute())) {
      rows.add(row.getString(0) + " " + row.getLong(1) + " " + row.getString(2) + " "
          + new TreeMap<>(row.getJsonObject(3).getMap()) + " " + row.getString(4) + " " + row.getString(5));
    }
    assertThat(rows).hasSize(6);
    assertThat(rows.subList(0, 2)).containsExactly(
        "acme 1 slack {channel=C1, ts=1700000000.000100} step 2 of 3 2026-11-01 10:00",
        "globex 2 slack {channel=C2, ts=1700000000.000200} null 2026-11-01 10:01");
    assertThat(rows.get(2)).as("Discord kept no created_at").startsWith("acme 3 discord {} rollout: 1/2 ");
    assertThat(rows.get(3)).startsWith("globex 4 discord {} null ");
    assertThat(rows.subList(4, 6)).containsExactly(
        "acme 5 teams {activityId=1:activity-5, conversationId=19:acme@thread.tacv2, "
            + "serviceUrl=https://smba.example/emea/} null 2026-11-02 09:00",
        "globex 6 teams {activityId=1:activity-6, conversationId=19:globex@thread.tacv2, "
            + "serviceUrl=https://smba.example/amer/} halfway 2026-11-02 09:30");

    for (String table : List.of("slack_job_messages", "discord_job_messages", "teams_job_activities")) {
      assertThat(Await.result(pool.query("SELECT to_regclass('" + table + "') IS NULL").execute())
          .iterator().next().getBoolean(0)).as(table + " is gone").isTrue();
    }
  }
}
