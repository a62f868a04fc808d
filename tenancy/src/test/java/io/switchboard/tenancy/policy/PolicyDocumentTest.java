package io.switchboard.tenancy.policy;

import io.switchboard.tenancy.command.CommandParser;
import io.switchboard.tenancy.command.ParsedCommand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every way a policy document can be wrong is reported by path, all at once. */
class PolicyDocumentTest {

  private static final String COMMAND = """
      {"name": "restart", "arguments": [{"name": "service", "type": "string", "scope": "target"}],
       "action": {"type": "kubernetes", "parameters": {"operation": "rollout-restart", "deployment": "{{service}}"}}}""";

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "{\"comands\": []}                                                       | comands: unknown field",
      "{\"commands\": {}}                                                      | commands: must be an array",
      "{\"commands\": [{\"name\": \"Deploy\", \"action\": {\"type\": \"http\"}}]} | commands[0].name: 'Deploy' is not a lower-case name",
      "{\"commands\": [{\"name\": \"help\", \"action\": {\"type\": \"http\"}}]}   | commands[0]: 'help' is a built-in command",
      "{\"commands\": [{\"name\": \"x\"}]}                                       | commands[0].action: is required",
      "{\"commands\": [{\"name\": \"x\", \"action\": {\"type\": \"http\", \"parameters\": {\"url\": \"{{nope}}\"}}}]} | commands[0].action.parameters: {{nope}} names no argument",
      "{\"commands\": [{\"name\": \"x\", \"action\": {\"type\": \"http\"}, \"arguments\": [{\"name\": \"e\", \"type\": \"enum\"}]}]} | commands[0].arguments[0].values: an enum needs at least one value",
      "{\"commands\": [{\"name\": \"x\", \"action\": {\"type\": \"http\"}, \"arguments\": [{\"name\": \"e\", \"type\": \"float\"}]}]} | commands[0].arguments[0].type: 'float' is not one of",
      "{\"commands\": [{\"name\": \"x\", \"action\": {\"type\": \"http\"}, \"arguments\": [{\"name\": \"s\", \"type\": \"string\", \"pattern\": \"([\"}]}]} | commands[0].arguments[0].pattern: is not a valid regular expression",
      "{\"commands\": [{\"name\": \"x\", \"action\": {\"type\": \"http\"}, \"arguments\": [{\"name\": \"n\", \"type\": \"integer\", \"min\": 5, \"max\": 1}]}]} | commands[0].arguments[0]: min 5 is above max 1",
      "{\"commands\": [{\"name\": \"x\", \"action\": {\"type\": \"http\"}, \"arguments\": [{\"name\": \"n\", \"type\": \"integer\", \"max\": 3, \"default\": \"9\"}]}]} | commands[0].arguments[0].default: n must be a whole number of at most 3",
      "{\"commands\": [{\"name\": \"x\", \"action\": {\"type\": \"http\"}, \"arguments\": [{\"name\": \"a\", \"type\": \"string\", \"required\": false}, {\"name\": \"b\", \"type\": \"string\"}]}]} | commands[0].arguments[1]: a required positional argument cannot follow an optional one",
      "{\"commands\": [{\"name\": \"x\", \"action\": {\"type\": \"http\"}, \"timeoutSeconds\": 0}]} | commands[0].timeoutSeconds: must be from 1 to 86400",
      "{\"commands\": [{\"name\": \"x\", \"aliases\": [\"y\"], \"action\": {\"type\": \"http\"}}, {\"name\": \"y\", \"action\": {\"type\": \"http\"}}]} | commands[1]: 'y' names two commands",
      "{\"roles\": [{\"name\": \"r\", \"permissions\": [{\"commands\": [\"deploi\"]}]}]} | roles[0].permissions[0].commands: 'deploi' is not a command of the catalog",
      "{\"roles\": [{\"name\": \"r\", \"permissions\": [{\"environments\": [\"prod\"]}]}]} | roles[0].permissions[0].commands: names no command",
      "{\"bindings\": [{\"role\": \"ghost\", \"subjects\": [\"slack:user:U1\"]}]} | bindings[0].role: 'ghost' is not a role of this policy",
      "{\"roles\": [{\"name\": \"r\"}], \"bindings\": [{\"role\": \"r\", \"subjects\": [\"U1\"]}]} | bindings[0].subjects: 'U1' is not <platform>:<user|group>:<id>",
      "{\"roles\": [{\"name\": \"r\"}], \"approvalRules\": [{\"name\": \"a\", \"commands\": [\"*\"], \"approverRole\": \"r\", \"approvals\": 0}]} | approvalRules[0].approvals: must be from 1 to 10",
      "{\"approvalRules\": [{\"name\": \"a\", \"commands\": [\"*\"], \"approverRole\": \"boss\"}]} | approvalRules[0].approverRole: 'boss' is not a role",
      "{\"freezeWindows\": [{\"name\": \"f\", \"from\": \"2026-12-24\", \"until\": \"2026-12-25T00:00:00Z\"}]} | freezeWindows[0].from: '2026-12-24' is not an instant",
      "{\"freezeWindows\": [{\"name\": \"f\", \"from\": \"2026-12-25T00:00:00Z\", \"until\": \"2026-12-24T00:00:00Z\"}]} | freezeWindows[0].until: must be after from",
      "{\"rateLimits\": {\"user\": {\"burst\": 0}}}                            | rateLimits.user.burst: must be from 1 to 100000",
      "{\"rateLimits\": {\"user\": {\"burst\": \"ten\"}}}                       | rateLimits.user.burst: must be a whole number",
  })
  void aWrongDocumentIsRefusedNamingThePath(String document, String problem) {
    assertThatThrownBy(() -> PolicyDocument.compile(new JsonObject(document), 1))
        .isInstanceOfSatisfying(InvalidPolicyException.class,
            e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(problem)));
  }

  @ParameterizedTest(name = "[{index}] {0} {1}")
  @CsvSource({"flyway, migrate, true", "flyway, info, false", "terraform, apply, true", "terraform, plan, false",
      "terraform, '{{op}}', true", "http, POST, false"})
  void changingDatabasesOrInfrastructureNeedsAnApprovalRuleByDefault(String type, String operation, boolean needed) {
    String arguments = operation.startsWith("{{") ? ", \"arguments\": [{\"name\": \"op\", \"type\": \"string\"}]" : "";
    JsonObject command = new JsonObject("{\"name\": \"change\", \"action\": {\"type\": \"" + type
        + "\", \"parameters\": {\"operation\": \"" + operation + "\"}}" + arguments + "}");
    JsonObject withoutRule = new JsonObject().put("commands", new JsonArray().add(command));
    JsonObject withRule = withoutRule.copy()
        .put("roles", new JsonArray().add(new JsonObject().put("name", "dba").put("permissions", new JsonArray())))
        .put("approvalRules", new JsonArray().add(new JsonObject().put("name", "changes")
            .put("commands", new JsonArray().add("chan*")).put("approverRole", "dba")));

    if (needed) {
      assertThatThrownBy(() -> PolicyDocument.compile(withoutRule, 1))
          .isInstanceOfSatisfying(InvalidPolicyException.class, e -> assertThat(e.problems()).singleElement()
              .satisfies(p -> assertThat(p).startsWith("commands[name=change]: runs " + type + " ")
                  .contains("add an approval rule naming it")));
    } else {
      assertThat(PolicyDocument.compile(withoutRule, 1).catalog().find("change")).isPresent();
    }
    assertThat(PolicyDocument.compile(withRule, 1).catalog().find("change")).isPresent();
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    JsonObject document = new JsonObject("""
        {"commands": [{"name": "X", "action": {"type": "http"}}],
         "bindings": [{"role": "ghost", "subjects": ["nobody"]}],
         "rateLimits": {"channel": {"perMinute": -1}}}""");
    assertThatThrownBy(() -> PolicyDocument.compile(document, 1))
        .isInstanceOfSatisfying(InvalidPolicyException.class, e -> assertThat(e.problems()).hasSize(4));
  }

  @Test
  void theExampleCompilesAndItsCommandsParse() {
    TenantPolicy policy = PolicyDocument.compile(ExamplePolicy.document(), 1);
    ParsedCommand parsed = new CommandParser().parse(policy.catalog(), "ship production api,web --version 1.4.2");

    assertThat(parsed).isInstanceOfSatisfying(ParsedCommand.Invocation.class, invocation -> {
      assertThat(invocation.command()).isEqualTo("deploy");
      assertThat(invocation.action()).isEqualTo("github-actions");
      assertThat(invocation.environment()).contains("production");
      assertThat(invocation.targets()).containsExactly("api", "web");
      assertThat(invocation.readOnly()).isFalse();
      assertThat(invocation.timeout()).contains(Duration.ofMinutes(30));
      assertThat(invocation.maxAttempts()).contains(1);
      assertThat(invocation.arguments().getJsonObject("inputs")).isEqualTo(new JsonObject()
          .put("environment", "production").put("services", List.of("api", "web")).put("version", "1.4.2"));
    });
  }

  @Test
  void aCommandWithoutScopeHasNoEnvironmentOrTargets() {
    TenantPolicy policy = PolicyDocument.compile(new JsonObject("{\"commands\": [" + COMMAND + "]}"), 1);
    ParsedCommand.Invocation invocation = (ParsedCommand.Invocation) new CommandParser()
        .parse(policy.catalog(), "restart api");
    assertThat(invocation.environment()).isEqualTo(Optional.empty());
    assertThat(invocation.targets()).containsExactly("api");
    assertThat(invocation.arguments().getString("deployment")).isEqualTo("api");
  }

  @Test
  void anAnchorChannelNamesAChannelAsNotificationsDoAndDefaultsToHourlyPosts() {
    JsonObject channel = new JsonObject().put("platform", "teams").put("workspace", "72f988bf-0000-4000-8000-0000000acme")
        .put("channel", "19:ops@thread.tacv2");
    assertThat(PolicyDocument.compile(new JsonObject().put("audit", new JsonObject().put("anchorChannel", channel)), 1)
        .anchorChannel()).contains(new AnchorChannel("teams", "72f988bf-0000-4000-8000-0000000acme",
        "19:ops@thread.tacv2", Duration.ofHours(1)));
    assertThat(PolicyDocument.compile(new JsonObject().put("audit", new JsonObject()), 1).anchorChannel()).isEmpty();
    assertThat(PolicyDocument.empty(0).anchorChannel()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"anchorChannel\": {\"platform\": \"irc\", \"workspace\": \"T1\", \"channel\": \"C1\"}} | audit.anchorChannel.platform",
      "{\"anchorChannel\": {\"workspace\": \"T1\", \"channel\": \"C1\"}}                        | audit.anchorChannel.platform",
      "{\"anchorChannel\": {\"platform\": \"slack\", \"workspace\": \"T 1\", \"channel\": \"C1\"}} | audit.anchorChannel.workspace",
      "{\"anchorChannel\": {\"platform\": \"slack\", \"workspace\": \"T1\", \"channel\": \"#ops\"}} | audit.anchorChannel.channel",
      "{\"anchorChannel\": {\"platform\": \"slack\", \"workspace\": \"T1\"}}                     | audit.anchorChannel.channel",
      "{\"anchorChannel\": {\"platform\": \"slack\", \"workspace\": \"T1\", \"channel\": \"C1\", \"everyMinutes\": -1}} | audit.anchorChannel.everyMinutes",
      "{\"anchorChannel\": {\"platform\": \"slack\", \"workspace\": \"T1\", \"channel\": \"C1\", \"colour\": 1}} | audit.anchorChannel",
      "{\"anchorChannel\": \"C1\"}                                                           | audit.anchorChannel",
      "{\"siem\": true}                                                                        | audit",
  })
  void aMalformedAnchorChannelIsAProblemNamingItsPath(String audit, String path) {
    assertThatThrownBy(() -> PolicyDocument.compile(new JsonObject().put("audit", new JsonObject(audit)), 1))
        .isInstanceOfSatisfying(InvalidPolicyException.class,
            e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(path)));
  }

  @Test
  void theDocsShowTheTestedExample() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "policy.md"));
    int start = docs.indexOf("```json", docs.indexOf("## Worked example")) + "```json".length();
    JsonObject shown = new JsonObject(docs.substring(start, docs.indexOf("```", start)));
    assertThat(shown).isEqualTo(ExamplePolicy.document());
  }
}
