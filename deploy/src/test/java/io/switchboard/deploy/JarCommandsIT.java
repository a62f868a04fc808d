package io.switchboard.deploy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin commands from the packaged jar ({@code java -jar switchboard.jar <command>}), as people run
 * them: the shaded jar holds them, with their exit codes (failsafe, after {@code package}). CliTest runs
 * every command in-process against a node.
 */
@DisplayName("switchboard.jar runs the admin commands")
class JarCommandsIT {

  private static final Path JAR = Path.of(System.getProperty("switchboard.jar", "target/switchboard.jar"));

  @TempDir
  Path dir;

  private record Run(int exitCode, String stdout, String stderr) {
  }

  private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("SWITCHBOARD_"));
    builder.environment().put("HOME", dir.toString());
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the process ended").isTrue();
    return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("config check --offline of a default configuration passes; a bad value fails naming it")
  void configCheck() throws Exception {
    Run good = run(Map.of("SWITCHBOARD_HTTP_PORT", "0", "SWITCHBOARD_DATA_DIR", dir.resolve("data").toString()),
        "config", "check", "--offline");
    assertThat(good.exitCode()).as(good.stdout() + good.stderr()).isZero();
    assertThat(good.stdout()).contains("ok    settings: ").contains("config check: no problems found");
    assertThat(dir.resolve("data")).as("nothing was started").doesNotExist();

    Run bad = run(Map.of("SWITCHBOARD_EXECUTOR_CONCURRENCY", "many"), "config", "check", "--offline");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.stdout()).contains("FAIL  settings: ").contains("SWITCHBOARD_EXECUTOR_CONCURRENCY");
  }

  @Test
  @DisplayName("an API command with nobody listening exits 6; a missing token exits 5; --help exits 0")
  void apiCommands() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      closed = socket.getLocalPort();
    }
    Run unreachable = run(Map.of("SWITCHBOARD_TOKEN", "sbt_x", "SWITCHBOARD_URL", "http://127.0.0.1:" + closed),
        "jobs", "list");
    assertThat(unreachable.exitCode()).isEqualTo(6);
    assertThat(unreachable.stderr()).startsWith("switchboard: cannot reach Switchboard at http://127.0.0.1:" + closed);

    Run noToken = run(Map.of(), "secrets", "list");
    assertThat(noToken.exitCode()).isEqualTo(5);
    assertThat(noToken.stderr()).contains("set SWITCHBOARD_TOKEN");

    Run help = run(Map.of(), "policy", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout()).contains("Usage: switchboard policy").contains("apply").contains("diff");
  }
}
