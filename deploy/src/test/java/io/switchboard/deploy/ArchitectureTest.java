package io.switchboard.deploy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dependency rules of docs/architecture.md, checked on the production classes of every module, so
 * that none breaks silently: modules point downwards (core and audit import nothing of ours, tenancy
 * only core, jobs only core and audit, and gateway and executor-pool meet only in PostgreSQL, the jobs
 * module and on the event bus), and the
 * gateway's platform-neutral packages speak no platform's language, its shared parts name no platform
 * but through {@code ChatPlatforms}, and no platform imports another (issue 12); and no production code
 * imports the test kit. Test classes (also those of the modules' test jars) are not held to them; the test
 * kit's classes, main code of a module of their own, are imported too, so that the last rule has teeth.
 */
@DisplayName("Architecture: modules point downwards, and neutral packages import no platform")
class ArchitectureTest {

  /** The packages under {@code io.switchboard.gateway} that are chat platforms. */
  private static final List<String> PLATFORMS = List.of("slack", "teams", "discord", "sandbox", "mattermost");

  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("io.switchboard");
    assertThat(classes.contain("io.switchboard.gateway.slack.SlackMessages")
        && classes.contain("io.switchboard.executor.ExecutorVerticle")
        && classes.contain("io.switchboard.jobs.JobStore")).as("every module's classes are imported").isTrue();
  }

  @Test
  @DisplayName("core imports nothing of ours outside core")
  void coreStandsAlone() {
    check(noClasses().that().resideInAPackage("io.switchboard.core..")
        .should().dependOnClassesThat().resideInAnyPackage("io.switchboard.audit..", "io.switchboard.tenancy..",
            "io.switchboard.jobs..", "io.switchboard.executor..", "io.switchboard.gateway..", "io.switchboard.deploy.."));
  }

  @Test
  @DisplayName("audit imports nothing of ours outside audit")
  void auditStandsAlone() {
    check(noClasses().that().resideInAPackage("io.switchboard.audit..")
        .should().dependOnClassesThat().resideInAnyPackage("io.switchboard.core..", "io.switchboard.tenancy..",
            "io.switchboard.jobs..", "io.switchboard.executor..", "io.switchboard.gateway..", "io.switchboard.deploy.."));
  }

  @Test
  @DisplayName("tenancy imports only core")
  void tenancyImportsOnlyCore() {
    check(noClasses().that().resideInAPackage("io.switchboard.tenancy..")
        .should().dependOnClassesThat().resideInAnyPackage("io.switchboard.jobs..", "io.switchboard.executor..",
            "io.switchboard.gateway..", "io.switchboard.deploy.."));
  }

  @Test
  @DisplayName("jobs imports only core and audit")
  void jobsImportOnlyCoreAndAudit() {
    check(noClasses().that().resideInAPackage("io.switchboard.jobs..")
        .should().dependOnClassesThat().resideInAnyPackage("io.switchboard.tenancy..", "io.switchboard.executor..",
            "io.switchboard.gateway..", "io.switchboard.deploy.."));
  }

  @Test
  @DisplayName("gateway and executor-pool never import each other, nor the deploy module")
  void gatewayAndExecutorsMeetOnlyInTheDatabase() {
    check(noClasses().that().resideInAPackage("io.switchboard.gateway..")
        .should().dependOnClassesThat().resideInAnyPackage("io.switchboard.executor..", "io.switchboard.deploy.."));
    check(noClasses().that().resideInAPackage("io.switchboard.executor..")
        .should().dependOnClassesThat().resideInAnyPackage("io.switchboard.gateway..", "io.switchboard.deploy.."));
  }

  @Test
  @DisplayName("the message model, the pipeline, approvals, job replies, notifications and the other platforms import nothing of Slack's")
  void neutralPackagesImportNoSlack() {
    check(noClasses().that().resideInAnyPackage("io.switchboard.gateway.message..", "io.switchboard.gateway.command..",
            "io.switchboard.gateway.approval..", "io.switchboard.gateway.reply..", "io.switchboard.gateway.notify..",
            "io.switchboard.gateway.teams..", "io.switchboard.gateway.discord..", "io.switchboard.gateway.sandbox..",
            "io.switchboard.gateway.mattermost..")
        .should().dependOnClassesThat().resideInAPackage("io.switchboard.gateway.slack.."));
  }

  @Test
  @DisplayName("the gateway's shared parts import no chat platform; only ChatPlatforms lists them")
  void sharedPartsNameNoPlatform() {
    check(noClasses().that().resideInAnyPackage("io.switchboard.gateway", "io.switchboard.gateway.platform..",
            "io.switchboard.gateway.message..", "io.switchboard.gateway.command..", "io.switchboard.gateway.approval..",
            "io.switchboard.gateway.reply..", "io.switchboard.gateway.notify..", "io.switchboard.gateway.pacing..",
            "io.switchboard.gateway.progress..", "io.switchboard.gateway.api..")
        .and().doNotHaveSimpleName("ChatPlatforms")
        .should().dependOnClassesThat().resideInAnyPackage(platformPackages(PLATFORMS)));
  }

  @Test
  @DisplayName("no chat platform imports another")
  void platformsImportNoOtherPlatform() {
    for (String platform : PLATFORMS) {
      check(noClasses().that().resideInAPackage("io.switchboard.gateway." + platform + "..")
          .should().dependOnClassesThat().resideInAnyPackage(platformPackages(PLATFORMS.stream()
              .filter(other -> !other.equals(platform)).toList())));
    }
  }

  @Test
  @DisplayName("no production code imports the test kit")
  void productionNeverImportsTheTestKit() {
    assertThat(classes.contain("io.switchboard.testkit.TestDatabase")).as("the test kit's classes are imported").isTrue();
    check(noClasses().that().resideOutsideOfPackage("io.switchboard.testkit..")
        .should().dependOnClassesThat().resideInAPackage("io.switchboard.testkit.."));
  }

  @Test
  @DisplayName("only the jobs module writes the jobs tables")
  void onlyTheJobsModuleWritesJobs() throws IOException {
    Pattern write = Pattern.compile("(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(jobs|job_attempts|job_locks)\\b");
    List<String> writers = new ArrayList<>();
    for (String module : List.of("core", "tenancy", "audit", "jobs", "executor-pool", "gateway", "deploy")) {
      Path sources = REPOSITORY.resolve(module).resolve("src/main/java");
      try (Stream<Path> files = Files.walk(sources)) {
        for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
          if (write.matcher(Files.readString(file)).find()) {
            writers.add(REPOSITORY.relativize(file).toString());
          }
        }
      }
    }
    assertThat(writers).as("main sources with SQL that writes jobs, job_attempts or job_locks").isNotEmpty()
        .allMatch(path -> path.startsWith("jobs/src/main/java/io/switchboard/jobs/"));
  }

  private static String[] platformPackages(List<String> platforms) {
    return platforms.stream().map(platform -> "io.switchboard.gateway." + platform + "..").toArray(String[]::new);
  }

  private static void check(ArchRule rule) {
    rule.check(classes);
  }
}
