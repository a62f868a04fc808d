package io.switchboard.kubernetes;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Dockerfile promises, checked without a Docker engine (none runs here; CI lints its syntax
 * with .ci/lint-dockerfile): a JRE 17 runtime stage, a numeric non-root user that is the one the
 * Kubernetes manifests run as, a data volume that is SWITCHBOARD_DATA_DIR and where the manifests mount
 * theirs, the ports the manifests use, a health check that runs a class that exists, and a default role
 * that never starts the embedded PostgreSQL.
 */
@DisplayName("the Dockerfile agrees with the node and the Kubernetes manifests")
class DockerfileTest {

  private static Path root;
  private static List<String> instructions;
  private static JsonNode gateway;

  /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
  @BeforeAll
  static void read() throws IOException {
    root = RenderedManifests.root().getParent().getParent();
    List<String> joined = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(root.resolve("Dockerfile"))) {
      if (line.strip().startsWith("#") && current.length() == 0) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      if (!current.toString().isBlank()) {
        joined.add(current.toString().strip().replaceAll("\\s+", " "));
      }
      current.setLength(0);
    }
    instructions = joined;
    gateway = YAMLMapper.builder().build().readerFor(JsonNode.class)
        .<JsonNode>readValues(RenderedManifests.root().resolve("base/gateway.yaml").toFile()).readAll().get(0);
  }

  private static List<String> all(String keyword) {
    return instructions.stream().filter(i -> i.startsWith(keyword + " ")).map(i -> i.substring(keyword.length() + 1))
        .toList();
  }

  /** Instructions of the last (runtime) stage only. */
  private static List<String> runtime(String keyword) {
    int last = 0;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).startsWith("FROM ")) {
        last = i;
      }
    }
    return instructions.subList(last, instructions.size()).stream().filter(i -> i.startsWith(keyword + " "))
        .map(i -> i.substring(keyword.length() + 1)).toList();
  }

  private static String env(String name) {
    Matcher matcher = Pattern.compile("(?:^| )" + name + "=(\"[^\"]*\"|\\S+)").matcher(String.join(" ", runtime("ENV")));
    assertThat(matcher.find()).as("ENV %s", name).isTrue();
    return matcher.group(1).replace("\"", "");
  }

  @Test
  @DisplayName("two stages: a Maven JDK 17 build, an Eclipse Temurin 17 JRE runtime")
  void stages() {
    List<String> from = all("FROM");
    assertThat(from).hasSize(2);
    assertThat(from.get(0)).matches("maven:\\S*eclipse-temurin-17\\S* AS build");
    assertThat(from.get(1)).matches("eclipse-temurin:17\\S*-jre\\S*|eclipse-temurin:17-jre\\S*");
    assertThat(runtime("COPY")).anyMatch(c -> c.startsWith("--from=build ") && c.endsWith(" /app/switchboard.jar"));
  }

  @Test
  @DisplayName("a numeric non-root user, the one the manifests run as")
  void user() {
    List<String> user = runtime("USER");
    assertThat(user).hasSize(1);
    String uid = user.get(0).split(":")[0];
    assertThat(uid).matches("[1-9][0-9]*");
    assertThat(gateway.path("spec").path("template").path("spec").path("securityContext").path("runAsUser").asLong())
        .isEqualTo(Long.parseLong(uid));
  }

  @Test
  @DisplayName("the image logs JSON lines")
  void jsonLogs() {
    assertThat(env("SWITCHBOARD_LOG_FORMAT")).isEqualTo("json");
  }

  @Test
  @DisplayName("the only writable path is the data volume (and /tmp), which is SWITCHBOARD_DATA_DIR and the manifests' mount")
  void dataVolume() {
    String dataDir = env("SWITCHBOARD_DATA_DIR");
    assertThat(runtime("VOLUME")).containsExactly("[\"" + dataDir + "\"]");
    List<String> mounts = new ArrayList<>();
    gateway.path("spec").path("template").path("spec").path("containers").get(0).path("volumeMounts")
        .forEach(m -> mounts.add(m.path("mountPath").asString()));
    assertThat(mounts).contains(dataDir, "/tmp");
    assertThat(env("JDK_JAVA_OPTIONS")).contains("-Djava.io.tmpdir=/tmp");
  }

  @Test
  @DisplayName("it exposes the HTTP, Hazelcast and event-bus ports the manifests declare")
  void ports() {
    List<String> exposed = Arrays.asList(String.join(" ", runtime("EXPOSE")).split(" "));
    assertThat(exposed).contains(env("SWITCHBOARD_HTTP_PORT"), env("SWITCHBOARD_CLUSTER_PORT"),
        env("SWITCHBOARD_EVENTBUS_PORT"));
    List<String> declared = new ArrayList<>();
    gateway.path("spec").path("template").path("spec").path("containers").get(0).path("ports")
        .forEach(p -> declared.add(p.path("containerPort").asString()));
    assertThat(declared).containsExactlyInAnyOrderElementsOf(exposed);
  }

  @Test
  @DisplayName("the health check runs a class of the jar, with a main method, against /health")
  void healthCheck() throws IOException {
    List<String> checks = runtime("HEALTHCHECK");
    assertThat(checks).hasSize(1);
    Matcher cmd = Pattern.compile("CMD \\[(.*)]$").matcher(checks.get(0));
    assertThat(cmd.find()).as(checks.get(0)).isTrue();
    List<String> argv = Arrays.stream(cmd.group(1).split(",")).map(s -> s.strip().replace("\"", "")).toList();
    assertThat(argv.get(0)).isEqualTo("java");
    assertThat(argv).containsSequence("-cp", "/app/switchboard.jar");
    // the class is the deploy module's (not on this module's class path): its source has a main method
    String className = argv.get(argv.size() - 1);
    Path source = root.resolve("deploy/src/main/java").resolve(className.replace('.', '/') + ".java");
    assertThat(source).as("the health check's class").exists();
    assertThat(Files.readString(source)).contains("public static void main(String[] args)");
    assertThat(checks.get(0)).contains("--start-period=");
  }

  @Test
  @DisplayName("the entry point runs the jar, and the default role needs an external database")
  void entryPoint() {
    assertThat(runtime("ENTRYPOINT")).containsExactly("[\"java\", \"-jar\", \"/app/switchboard.jar\"]");
    assertThat(runtime("CMD")).hasSize(1);
    assertThat(runtime("CMD").get(0)).isIn("[\"gateway\"]", "[\"executor\"]", "[\"migrate\"]");
    assertThat(Map.of("STOPSIGNAL", runtime("STOPSIGNAL"))).containsEntry("STOPSIGNAL", List.of("SIGTERM"));
  }
}
