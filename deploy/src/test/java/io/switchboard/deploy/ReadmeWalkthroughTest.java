package io.switchboard.deploy;

import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.gateway.sandbox.SandboxSettings;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The README's "Try it" section, run as a newcomer would, against a whole node (role all) on real
 * PostgreSQL: the shell snippets are read from {@code README.md} itself, so they cannot drift.
 *
 * <p>Which blocks run: every {@code ```bash} block of the section whose heading starts with
 * {@code ## Try it}, in order. Its first block is the start line ({@code NAME=value ... java -jar
 * ...}): it is not run; the test starts a node in-process with the variables it sets, on a test
 * database instead of the embedded one (with the demo tenant and sandbox settings the embedded
 * node would have). Blocks that call {@code mvn} are never run. The others run
 * in one {@code bash -euo pipefail} session, so variables and functions carry from block to block,
 * from the repository's root, with {@code http://localhost:8080} replaced by the node's address.
 *
 * <p>What they must print: a line {@code # ...} right after a command line (or after another such
 * line) is that command's expected output, one line each; comments that start a block or follow a
 * blank line are only comments. The output of all commands up to an expectation must match it as
 * text, after {@code \r} is dropped and trailing white space trimmed, where {@code ...} matches
 * anything (line breaks included). Commands after a block's last expectation must print nothing.
 */
@DisplayName("README walkthrough: every step of 'Try it', run in order, prints what the README shows")
class ReadmeWalkthroughTest {

  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
  private static final String SECTION = "## Try it";
  private static final String README_ADDRESS = "http://localhost:8080";
  private static final String MARK = "@@@readme-step ";
  private static final long SCRIPT_DEADLINE_SECONDS = 120;

  @TempDir
  Path scratch;
  private DatabaseUrl database;
  private SwitchboardNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  @TestFactory
  @DisplayName("README.md 'Try it', step by step")
  Stream<DynamicTest> tryIt() throws Exception {
    Assumptions.assumeTrue(onPath("curl") && onPath("openssl"),
        "the README's snippets need curl and openssl on the PATH");
    List<Block> blocks = bashBlocksOf(Files.readString(REPOSITORY.resolve("README.md")), SECTION);
    assertThat(blocks).as("bash blocks of README's '%s' section", SECTION).isNotEmpty();
    Block start = blocks.get(0);
    assertThat(start.text()).as("the section's first block starts the node").contains("java -jar");
    List<Step> steps = new ArrayList<>();
    for (Block block : blocks.subList(1, blocks.size())) {
      if (!block.text().contains("mvn ")) {
        steps.addAll(block.steps());
      }
    }
    assertThat(steps).as("steps with an expected output").anyMatch(step -> step.expected() != null);

    database = TestDatabase.fresh();
    node = SwitchboardNode.start(config(startEnvironment(start)), TestSecrets.SETTINGS, Role.ALL);
    Run run = run(steps, "http://127.0.0.1:" + node.httpPort(), scratch);

    return IntStream.range(0, steps.size()).mapToObj(i -> DynamicTest.dynamicTest(steps.get(i).name(), () -> {
      Step step = steps.get(i);
      if (i >= run.outputs().size()) {
        fail("not reached: the script ended (exit code %s) after %d of %d steps%nstderr:%n%s",
            run.exitCode(), run.outputs().size(), steps.size(), run.stderr());
      }
      String output = run.outputs().get(i);
      if (step.expected() == null) {
        assertThat(output).as("output of%n%s%n(the README shows none)", step.commands()).isEmpty();
      } else {
        assertThat(output).as("output of%n%s%n(stderr: %s)", step.commands(), run.stderr())
            .matches(pattern(step.expected()));
      }
    }));
  }

  /** {@code ...} matches anything; everything else is literal. */
  static Pattern pattern(String expected) {
    StringBuilder regex = new StringBuilder();
    String[] parts = expected.split("\\.\\.\\.", -1);
    for (int i = 0; i < parts.length; i++) {
      regex.append(i == 0 ? "" : ".*").append(parts[i].isEmpty() ? "" : Pattern.quote(parts[i]));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  /** The variables the start line sets before {@code java}, e.g. {@code SWITCHBOARD_DEMO_ADMIN_TOKEN}. */
  static Map<String, String> startEnvironment(Block start) {
    String line = start.text().replace("\\\n", " ");
    String before = line.substring(0, line.indexOf("java -jar"));
    Map<String, String> env = new HashMap<>();
    Matcher assignment = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\\S+)").matcher(before);
    while (assignment.find()) {
      env.put(assignment.group(1), assignment.group(2));
    }
    assertThat(env).as("variables set by the start line %s", line).isNotEmpty();
    return env;
  }

  /** The {@code ```bash} blocks between {@code heading} and the next {@code ## } heading. */
  static List<Block> bashBlocksOf(String markdown, String heading) {
    int from = markdown.indexOf("\n" + heading);
    assertThat(from).as("README has a section '%s'", heading).isNotNegative();
    int to = markdown.indexOf("\n## ", from + 1);
    String section = markdown.substring(from, to < 0 ? markdown.length() : to);
    List<Block> blocks = new ArrayList<>();
    Matcher fence = Pattern.compile("(?m)^```bash\\n(.*?)^```$", Pattern.DOTALL).matcher(section);
    while (fence.find()) {
      blocks.add(new Block(blocks.size() + 1, fence.group(1)));
    }
    return blocks;
  }

  /**
   * The README's variables on a test database. With a database URL the demo tenant and the sandbox
   * default to off, so they are set to what the README's embedded node (no URL) has.
   */
  private SwitchboardConfig config(Map<String, String> readme) {
    SwitchboardConfig embedded = SwitchboardConfig.fromEnv(readme);
    Map<String, String> env = new HashMap<>(readme);
    env.putAll(Map.of(
        "SWITCHBOARD_DATABASE_URL", database.withCredentials(),
        "SWITCHBOARD_AUDIT_ANCHOR_FILE", TestSecrets.anchorFile(),
        "SWITCHBOARD_DEMO_TENANT", String.valueOf(embedded.demoTenant()),
        "SWITCHBOARD_SANDBOX_ENABLED", String.valueOf(SandboxSettings.fromEnv(embedded.environment()).enabled()),
        "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
        "SWITCHBOARD_HTTP_PORT", "0"));
    return SwitchboardConfig.fromEnv(env);
  }

  /**
   * Runs every step in one bash session, a marker line after each, and splits what it printed at the
   * markers. Waits at most {@link #SCRIPT_DEADLINE_SECONDS} for the whole script.
   */
  private static Run run(List<Step> steps, String address, Path dir) throws IOException, InterruptedException {
    StringBuilder script = new StringBuilder();
    for (int i = 0; i < steps.size(); i++) {
      script.append(steps.get(i).commands().replace(README_ADDRESS, address)).append('\n')
          .append("printf '\\n%s\\n' '").append(MARK).append(i).append("'\n");
    }
    Path file = dir.resolve("try-it.sh");
    Path stdout = dir.resolve("stdout");
    Path stderr = dir.resolve("stderr");
    Files.writeString(file, script);
    Process bash = new ProcessBuilder("bash", "-euo", "pipefail", file.toString())
        .directory(REPOSITORY.toFile())
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile())
        .start();
    boolean ended = bash.waitFor(SCRIPT_DEADLINE_SECONDS, TimeUnit.SECONDS);
    if (!ended) {
      bash.descendants().forEach(ProcessHandle::destroyForcibly);
      bash.destroyForcibly().waitFor();
    }
    List<String> outputs = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readString(stdout, StandardCharsets.UTF_8).replace("\r", "").split("\n", -1)) {
      if (line.equals(MARK + outputs.size())) {
        outputs.add(current.toString().stripTrailing());
        current.setLength(0);
      } else {
        current.append(line).append('\n');
      }
    }
    String errors = Files.readString(stderr, StandardCharsets.UTF_8);
    return new Run(outputs, ended ? String.valueOf(bash.exitValue()) : "none (killed after "
        + SCRIPT_DEADLINE_SECONDS + " s)", errors + (current.isEmpty() ? "" : "\nstdout after the last step:\n" + current));
  }

  private static boolean onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /** One {@code ```bash} block of the README, numbered from 1 within its section. */
  record Block(int number, String text) {

    /** The block cut after each expected output; what follows the last one is a step without one. */
    List<Step> steps() {
      List<Step> steps = new ArrayList<>();
      StringBuilder commands = new StringBuilder();
      List<String> expected = new ArrayList<>();
      String last = "";
      boolean afterCommand = false;
      for (String line : text.split("\n")) {
        boolean comment = line.startsWith("#");
        if (comment && (afterCommand || !expected.isEmpty()) && line.startsWith("# ")) {
          expected.add(line.substring(2));
          continue;
        }
        if (!expected.isEmpty()) {
          steps.add(new Step(number, last, commands.toString(), String.join("\n", expected)));
          commands.setLength(0);
          expected.clear();
        }
        commands.append(line).append('\n');
        afterCommand = !comment && !line.isBlank();
        if (afterCommand && !Character.isWhitespace(line.charAt(0))) {
          last = line;
        }
      }
      if (!expected.isEmpty()) {
        steps.add(new Step(number, last, commands.toString(), String.join("\n", expected)));
      } else if (!commands.toString().isBlank()) {
        steps.add(new Step(number, last, commands.toString(), null));
      }
      return steps;
    }
  }

  /** Commands of block {@code block} and what they must print ({@code null}: nothing). */
  record Step(int block, String lastCommand, String commands, String expected) {

    String name() {
      return "block " + block + ": " + lastCommand;
    }
  }

  /** What the script printed for each step reached, its exit code and its error output. */
  record Run(List<String> outputs, String exitCode, String stderr) {
  }
}
