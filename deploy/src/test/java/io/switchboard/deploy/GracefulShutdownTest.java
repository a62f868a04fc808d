package io.switchboard.deploy;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.db.EmbeddedPostgresServer;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.LocalResources;
import io.switchboard.testkit.slack.SignedSlashCommand;
import io.switchboard.testkit.slack.SlackResponseUrlServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded node stopped as an operator stops it (SIGTERM, Ctrl-C) shuts down in order: it still
 * has its PostgreSQL while it stops, so its last audit records are anchored, and then PostgreSQL
 * stops too. (zonky's launcher used to stop PostgreSQL from a shutdown hook of its own at once, and
 * the node's last anchoring failed.)
 */
@DisplayName("An embedded node stopped with SIGTERM anchors its audit chains, then stops its PostgreSQL")
class GracefulShutdownTest {

  private static final String SECRET = "shutdown-signing-secret";

  private final Path dir = Path.of("target", "graceful-shutdown").toAbsolutePath();
  private SlackResponseUrlServer slack;
  private NodeProcess node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop();
    }
    if (slack != null) {
      slack.close();
    }
  }

  @Test
  void sigtermAnchorsTheLastRecordsAndStopsPostgres() throws Exception {
    LocalResources.deleteRecursively(dir);
    slack = SlackResponseUrlServer.start();
    int httpPort = LocalResources.freePort();
    Path data = dir.resolve("data");
    node = NodeProcess.start("node", dir, "all", List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info"), Map.of(
        "SWITCHBOARD_DATA_DIR", data.toString(),
        "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
        "SWITCHBOARD_HTTP_PORT", Integer.toString(httpPort),
        "SWITCHBOARD_DEMO_SLACK_SIGNING_SECRET", SECRET,
        "SWITCHBOARD_SLACK_RESPONSE_URL_PREFIXES", slack.prefix(),
        // Only the shutdown anchors what the command below writes.
        "SWITCHBOARD_AUDIT_ANCHOR_SECONDS", "3600"), httpPort);
    node.awaitReady(Duration.ofMinutes(2));

    var ack = SignedSlashCommand.of(SECRET, "T0DEMO", "echo before the shutdown", slack.responseUrl("last"))
        .post(node.baseUrl());
    assertThat(ack.body()).contains("Queued as job");
    Await.until("the result reached Slack", () -> !slack.posts().isEmpty());

    // 143: the JVM ends by the signal, once its shutdown hooks are done
    assertThat(node.terminate(Duration.ofMinutes(1))).as("exit code").isEqualTo(143);

    assertThat(node.output()).contains("Switchboard stopped")
        .doesNotContain("Anchoring the audit chains at shutdown failed");
    assertThat(postgresProcessesOf(data)).as("PostgreSQL processes left running on the node's data").isEmpty();
    long lastAnchored = lastAnchoredSeq(data.resolve("audit-anchors.jsonl"));
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(data, 0)) {
      assertThat(lastAnchored).as("the demo chain's head, anchored at shutdown").isEqualTo(head(postgres.url()));
    }
  }

  private static long lastAnchoredSeq(Path anchors) throws IOException {
    List<JsonObject> lines = Files.readAllLines(anchors).stream().filter(line -> !line.isBlank())
        .map(JsonObject::new).filter(anchor -> "demo".equals(anchor.getString("tenant"))).toList();
    assertThat(lines).as("anchors of the demo tenant").isNotEmpty();
    return lines.get(lines.size() - 1).getLong("seq");
  }

  private static long head(DatabaseUrl url) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
         ResultSet rows = connection.createStatement().executeQuery(
             "SELECT max(seq) FROM audit_events WHERE tenant_id = 'demo'")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** PostgreSQL server processes whose command line names the node's data directory. */
  private static List<ProcessHandle> postgresProcessesOf(Path data) {
    String dataDir = data.resolve("postgres").toString();
    return ProcessHandle.allProcesses()
        .filter(process -> process.info().commandLine().map(line -> line.contains(dataDir)).orElse(false))
        .toList();
  }
}
