package io.switchboard.deploy;

import io.switchboard.testkit.prometheus.RealPrometheus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The alert rules in {@code deploy/prometheus}: {@code promtool check rules} and {@code check config}
 * accept them and the example configuration, their unit tests ({@code promtool test rules}) pass, and
 * every alert says what it is and what to do. That the metrics they read exist, and that a real
 * Prometheus loads them: {@link ObservabilityAssetsTest}. The promtool tests are skipped, saying
 * so, where no {@code promtool} is installed (Debian's {@code prometheus} package has it).
 */
@DisplayName("Alert rules: promtool checks and unit tests pass, every alert has a summary and a runbook")
class PrometheusRulesTest {

  static final Path DIR = Path.of("prometheus");

  private Optional<Path> promtool;

  @BeforeEach
  void findPromtool() {
    promtool = RealPrometheus.promtool();
  }

  @Test
  @DisplayName("promtool check rules accepts every rules file, and check config the example configuration")
  void promtoolChecks() throws Exception {
    assumeTrue(promtool.isPresent(), "no promtool on this machine (install Debian's prometheus package, as .ci/run "
        + "does, or set SWITCHBOARD_TEST_PROMTOOL_BIN); the promtool checks are skipped");
    List<String> check = new ArrayList<>(List.of("check", "rules"));
    ruleFiles().forEach(file -> check.add(file.toString()));
    assertThat(ruleFiles()).isNotEmpty();
    assertThat(promtool(Path.of("."), check)).contains("SUCCESS: " + alerts().size() + " rules found");
    assertThat(promtool(DIR, List.of("check", "config", "prometheus.yml"))).contains("is valid prometheus config file");
  }

  @Test
  @DisplayName("promtool test rules: the alerts' unit tests pass")
  void promtoolUnitTests() throws Exception {
    assumeTrue(promtool.isPresent(), "no promtool on this machine (install Debian's prometheus package, as .ci/run "
        + "does, or set SWITCHBOARD_TEST_PROMTOOL_BIN); the rules' unit tests are skipped");
    List<String> test = new ArrayList<>(List.of("test", "rules"));
    try (Stream<Path> files = Files.list(DIR.resolve("tests"))) {
      files.filter(f -> f.toString().endsWith(".yml")).sorted().forEach(f -> test.add(DIR.relativize(f).toString()));
    }
    assertThat(test).hasSizeGreaterThan(2);
    assertThat(promtool(DIR, test)).contains("SUCCESS");
  }

  @Test
  @DisplayName("every alert has a severity, a summary and a one-line runbook")
  void everyAlertSaysWhatToDo() {
    List<Map<String, Object>> alerts = alerts();
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(12);
    assertThat(alerts).allSatisfy(alert -> {
      String name = String.valueOf(alert.get("alert"));
      assertThat(name).startsWith("Switchboard");
      @SuppressWarnings("unchecked")
      Map<String, Object> labels = (Map<String, Object>) alert.get("labels");
      assertThat(labels).as(name).containsKey("severity");
      assertThat(String.valueOf(labels.get("severity"))).as(name).isIn("warning", "critical");
      @SuppressWarnings("unchecked")
      Map<String, Object> annotations = (Map<String, Object>) alert.get("annotations");
      assertThat(annotations).as(name).containsKeys("summary", "runbook");
      assertThat(String.valueOf(annotations.get("runbook"))).as(name).isNotBlank().doesNotContain("\n");
    });
  }

  /** Every alerting rule of every rules file, as the YAML maps. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> alerts() {
    List<Map<String, Object>> alerts = new ArrayList<>();
    for (Path file : ruleFiles()) {
      try {
        Map<String, Object> document = new Yaml().load(Files.readString(file));
        for (Map<String, Object> group : (List<Map<String, Object>>) document.get("groups")) {
          for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
            if (rule.containsKey("alert")) {
              alerts.add(rule);
            }
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return alerts;
  }

  static List<Path> ruleFiles() {
    try (Stream<Path> files = Files.list(DIR.resolve("rules"))) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs promtool in {@code dir}; answers its output, failing the test on a non-zero exit. */
  static String promtool(Path dir, List<String> arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(RealPrometheus.promtool().orElseThrow().toString());
    command.addAll(arguments);
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", arguments), output).isZero();
    return output;
  }
}
