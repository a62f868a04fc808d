package io.switchboard.jobs;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.job.TargetLock;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("V23 turns the lock keys of an older release into target locks and claims")
class TargetLockMigrationTest {

  @Test
  void lockKeysBecomeTargetLocksAndUnfinishedJobsClaimTheirTargets() throws SQLException {
    DatabaseUrl url = TestDatabase.freshUpTo("22");
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme')");
    TestDatabase.execute(url, """
        INSERT INTO jobs (id, tenant_id, idempotency_key, platform, requester, channel, command, command_text, action,
                          arguments, reply_to, lock_key, status)
        VALUES (1, 'acme', 'k1', 'slack', 'U1', 'C1', 'deploy', 'deploy production api,web', 'echo', '{}', '{}',
                'production/api,web', 'queued'),
               (2, 'acme', 'k2', 'slack', 'U1', 'C1', 'restart', 'restart production', 'echo', '{}', '{}',
                'production/*', 'running'),
               (3, 'acme', 'k3', 'slack', 'U1', 'C1', 'restart', 'restart api', 'echo', '{}', '{}',
                '*/api', 'queued'),
               (4, 'acme', 'k4', 'slack', 'U1', 'C1', 'deploy', 'deploy staging api', 'echo', '{}', '{}',
                'staging/api', 'succeeded'),
               (5, 'acme', 'k5', 'slack', 'U1', 'C1', 'echo', 'echo hi', 'echo', '{}', '{}', NULL, 'queued')""");

    TestDatabase.migrateToLatest(url);

    assertThat(lock(url, 1)).contains(new TargetLock(Optional.of("production"), List.of("api", "web")));
    assertThat(lock(url, 2)).contains(new TargetLock(Optional.of("production"), List.of()));
    assertThat(lock(url, 3)).contains(new TargetLock(Optional.empty(), List.of("api")));
    assertThat(lock(url, 4)).as("a finished job keeps what it held, for the record")
        .contains(new TargetLock(Optional.of("staging"), List.of("api")));
    assertThat(lock(url, 5)).isEmpty();
    assertThat(strings(url, "SELECT job_id || ' ' || environment || '/' || target || ' ' || exclusive FROM job_locks "
        + "ORDER BY job_id, environment, target")).containsExactly(
            "1 production/ false", "1 production/api true", "1 production/web true",
            "2 production/ true",
            "3 / false", "3 /api true");
  }

  private static Optional<TargetLock> lock(DatabaseUrl url, long jobId) throws SQLException {
    List<String> json = strings(url, "SELECT target_lock::text FROM jobs WHERE id = " + jobId);
    return Optional.ofNullable(json.get(0)).map(text -> TargetLock.fromJson(new JsonObject(text)));
  }

  private static List<String> strings(DatabaseUrl url, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    }
  }
}
