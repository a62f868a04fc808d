package io.switchboard.deploy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a person sees when {@code java -jar switchboard.jar} cannot start for a reason they can fix:
 * one line on stderr that names the problem and the setting, no stack trace, a non-zero exit, and
 * nothing slow started first. Runs the packaged jar (failsafe, after {@code package}).
 */
@DisplayName("switchboard.jar explains start-up failures in one line")
class StartupErrorsIT {

  private static final Path JAR = Path.of(System.getProperty("switchboard.jar", "target/switchboard.jar"));

  @TempDir
  Path dataDir;

  private record Run(int exitCode, String stdout, String stderr) {
  }

  private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dataDir.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("SWITCHBOARD_"));
    builder.environment().put("SWITCHBOARD_DATA_DIR", dataDir.resolve("data").toString());
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the process ended").isTrue();
    return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /** The one line the launcher printed about the failure (log lines before it are allowed). */
  private static String failureLine(Run run) {
    List<String> lines = run.stderr().lines().filter(line -> line.startsWith("switchboard: ")).toList();
    assertThat(lines).as(run.stderr()).hasSize(1);
    return lines.get(0);
  }

  @Test
  @DisplayName("a busy HTTP port is named with its setting before the embedded PostgreSQL starts")
  void busyPort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Run run = run(Map.of("SWITCHBOARD_HTTP_HOST", "127.0.0.1", "SWITCHBOARD_HTTP_PORT", Integer.toString(port)));

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.stderr().strip()).isEqualTo("switchboard: port " + port + " on 127.0.0.1 is already in use "
          + "(another Switchboard, or another program): stop it, or set SWITCHBOARD_HTTP_PORT to a free port (0 picks one)");
      assertThat(run.stdout()).doesNotContain("Exception").doesNotContain("PostgreSQL");
      assertThat(dataDir.resolve("data")).as("no embedded PostgreSQL was prepared").doesNotExist();
    }
  }

  @Test
  @DisplayName("a database nobody answers at is named, with SWITCHBOARD_DATABASE_URL")
  void unreachableDatabase() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      closed = socket.getLocalPort();
    }
    Run run = run(Map.of("SWITCHBOARD_DATABASE_URL", "postgresql://switchboard:pw@127.0.0.1:" + closed + "/switchboard",
        "SWITCHBOARD_HTTP_HOST", "127.0.0.1", "SWITCHBOARD_HTTP_PORT", "0"), "migrate");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr()).doesNotContain("\tat ");
    assertThat(failureLine(run)).startsWith("switchboard: cannot use the database postgresql://switchboard@127.0.0.1:"
        + closed + "/switchboard: ").contains("check SWITCHBOARD_DATABASE_URL").doesNotContain("pw");
  }

  @Test
  @DisplayName("a data directory that cannot be written is named, with SWITCHBOARD_DATA_DIR")
  void unwritableDataDir() throws Exception {
    Path file = Files.writeString(dataDir.resolve("not-a-directory"), "x");
    Run run = run(Map.of("SWITCHBOARD_DATA_DIR", file.toString(), "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
        "SWITCHBOARD_HTTP_PORT", "0"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr()).doesNotContain("\tat ");
    assertThat(failureLine(run)).startsWith("switchboard: the embedded PostgreSQL did not start in " + file)
        .contains("SWITCHBOARD_DATA_DIR");
  }

  @Test
  @DisplayName("a role that needs a shared database says so")
  void gatewayWithoutDatabase() throws Exception {
    Run run = run(Map.of("SWITCHBOARD_HTTP_PORT", "0"), "gateway");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr().strip()).isEqualTo(
        "switchboard: role gateway shares its database with other nodes: set SWITCHBOARD_DATABASE_URL");
  }

  @Test
  @DisplayName("a malformed chat platform setting is named before the embedded PostgreSQL starts")
  void malformedPlatformSetting() throws Exception {
    Run run = run(Map.of("SWITCHBOARD_HTTP_PORT", "0", "SWITCHBOARD_PACING_SLACK_MILLIS", "soon"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(failureLine(run)).contains("SWITCHBOARD_PACING_SLACK_MILLIS").contains("soon");
    assertThat(dataDir.resolve("data")).as("no embedded PostgreSQL was prepared").doesNotExist();
  }

  @Test
  @DisplayName("a log format or level not understood is named before anything starts")
  void badLogSettings() throws Exception {
    Run format = run(Map.of("SWITCHBOARD_HTTP_PORT", "0", "SWITCHBOARD_LOG_FORMAT", "xml"));
    assertThat(format.exitCode()).isEqualTo(2);
    assertThat(failureLine(format)).isEqualTo("switchboard: SWITCHBOARD_LOG_FORMAT must be text or json, not 'xml'");
    Run level = run(Map.of("SWITCHBOARD_HTTP_PORT", "0", "SWITCHBOARD_LOG_LEVEL", "loud"));
    assertThat(level.exitCode()).isEqualTo(2);
    assertThat(failureLine(level)).startsWith("switchboard: SWITCHBOARD_LOG_LEVEL must be").contains("'loud'");
    assertThat(dataDir.resolve("data")).as("no embedded PostgreSQL was prepared").doesNotExist();
  }

  @Test
  @DisplayName("a public URL Slack could not be given is named, with SWITCHBOARD_PUBLIC_URL, before anything starts")
  void badPublicUrl() throws Exception {
    for (String url : List.of("http://chatops.example.com", "chatops.example.com", "https://chatops.example.com/?x=1")) {
      Run run = run(Map.of("SWITCHBOARD_HTTP_PORT", "0", "SWITCHBOARD_PUBLIC_URL", url));

      assertThat(run.exitCode()).as(url).isEqualTo(2);
      assertThat(failureLine(run)).startsWith("switchboard: SWITCHBOARD_PUBLIC_URL must be the absolute https URL")
          .endsWith("(got '" + url + "')");
      assertThat(run.stderr()).doesNotContain("\tat ");
      assertThat(dataDir.resolve("data")).as("no embedded PostgreSQL was prepared").doesNotExist();
    }
  }

  @Test
  @DisplayName("a cluster discovery mode without its setting is named before the embedded PostgreSQL starts")
  void clusterDiscoveryWithoutItsSetting() throws Exception {
    Run run = run(Map.of("SWITCHBOARD_HTTP_PORT", "0", "SWITCHBOARD_CLUSTER_DISCOVERY", "kubernetes-dns",
        "SWITCHBOARD_CLUSTER_HOST", "10.1.2.3"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(failureLine(run)).startsWith("switchboard: SWITCHBOARD_CLUSTER_DISCOVERY=kubernetes-dns needs "
        + "SWITCHBOARD_CLUSTER_SERVICE_DNS");
    assertThat(dataDir.resolve("data")).as("no embedded PostgreSQL was prepared").doesNotExist();
  }
}
