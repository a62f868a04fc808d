package io.switchboard.tenancy.command;

import io.switchboard.core.job.TargetLock;
import io.switchboard.tenancy.policy.ExamplePolicy;
import io.switchboard.tenancy.policy.PolicyDocument;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class CommandParserTest {

  private final CommandParser parser = new CommandParser();

  @ParameterizedTest(name = "[{index}] \"{0}\" asks for help")
  @NullAndEmptySource
  @ValueSource(strings = {" ", "   ", "\t", " \n\t ", "help", "HELP", "Help", "  help  ", "help echo", "help me please"})
  void emptyBlankOrHelpTextIsAHelpRequest(String text) {
    assertThat(parser.parse(text)).isInstanceOf(ParsedCommand.HelpRequest.class);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" echoes \"{1}\"")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "echo hello world                 | hello world",
      "\"echo hello   world\"           | \"hello   world\"",
      "\"  echo hello world  \"         | hello world",
      "ECHO Hello World                 | Hello World",
      "\"echo\thello\"                  | hello",
      "echo x                           | x",
      "\"echo   a  b\tc\"               | \"a  b\tc\"",
      "\"echo\u2003hi\"                | hi",
      "\"echo\u00a0hi\"                | hi",
  })
  void echoBecomesAnInvocationKeepingTheInnerWhitespace(String text, String expected) {
    ParsedCommand parsed = parser.parse(text);
    assertThat(parsed).isEqualTo(ParsedCommand.Invocation.echo(expected));
    ParsedCommand.Invocation invocation = (ParsedCommand.Invocation) parsed;
    assertThat(invocation.arguments().fieldNames()).containsExactly("text");
    assertThat(invocation.arguments().getString("text")).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" needs text")
  @ValueSource(strings = {"echo", "ECHO", "  echo  ", "echo \t "})
  void echoWithoutTextIsUnrecognisedAndSaysSo(String text) {
    ParsedCommand parsed = parser.parse(text);
    assertThat(parsed).isInstanceOf(ParsedCommand.Unrecognised.class);
    assertThat(((ParsedCommand.Unrecognised) parsed).message()).contains("echo").contains("help");
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" is unknown")
  @CsvSource(delimiter = '|', value = {
      "deploy production api | deploy",
      "Deploy                | Deploy",
      "echoo hi              | echoo",
      "helpme                | helpme",
      "/echo hi              | /echo",
  })
  void anUnknownWordIsUnrecognisedNamingTheWordAndHelp(String text, String word) {
    ParsedCommand parsed = parser.parse(text);
    assertThat(parsed).isInstanceOf(ParsedCommand.Unrecognised.class);
    assertThat(((ParsedCommand.Unrecognised) parsed).message())
        .contains("'" + word + "'")
        .contains("`help`");
  }

  @Test
  void aVeryLongUnknownWordIsShortenedInTheMessage() {
    String word = "x".repeat(500);
    ParsedCommand parsed = parser.parse(word + " and more");
    assertThat(parsed).isInstanceOf(ParsedCommand.Unrecognised.class);
    String message = ((ParsedCommand.Unrecognised) parsed).message();
    assertThat(message)
        .doesNotContain(word)
        .contains("x".repeat(40) + "…")
        .doesNotContain("x".repeat(41))
        .contains("`help`");
    assertThat(message.length()).isLessThan(200);
  }

  @Test
  void anUnknownWordOfExactlyFortyCharactersIsShownWhole() {
    String word = "y".repeat(40);
    String message = ((ParsedCommand.Unrecognised) parser.parse(word)).message();
    assertThat(message).contains("'" + word + "'").doesNotContain("…");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"echo ", "help ", "zzz "})
  void textOverTheLimitIsUnrecognisedWithTheLimit(String prefix) {
    String text = prefix + "a".repeat(CommandParser.MAX_TEXT_LENGTH + 1 - prefix.length());
    assertThat(text).hasSize(CommandParser.MAX_TEXT_LENGTH + 1);
    ParsedCommand parsed = parser.parse(text);
    assertThat(parsed).isInstanceOf(ParsedCommand.Unrecognised.class);
    String message = ((ParsedCommand.Unrecognised) parsed).message();
    assertThat(message)
        .contains(String.valueOf(CommandParser.MAX_TEXT_LENGTH))
        .contains(String.valueOf(CommandParser.MAX_TEXT_LENGTH + 1))
        .doesNotContain("a".repeat(50));
  }

  @Test
  void textOfExactlyTheLimitIsStillParsed() {
    String text = "echo " + "a".repeat(CommandParser.MAX_TEXT_LENGTH - 5);
    assertThat(text).hasSize(CommandParser.MAX_TEXT_LENGTH);
    assertThat(parser.parse(text)).isEqualTo(ParsedCommand.Invocation.echo("a".repeat(CommandParser.MAX_TEXT_LENGTH - 5)));
  }

  @Test
  void surroundingWhitespaceDoesNotCountTowardsTheLimit() {
    String text = "   " + "echo " + "a".repeat(CommandParser.MAX_TEXT_LENGTH - 5) + "\n\n  ";
    assertThat(parser.parse(text)).isInstanceOf(ParsedCommand.Invocation.class);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" cancels job {1}")
  @CsvSource(delimiter = '|', value = {
      "cancel 42    | 42",
      "CANCEL #7    | 7",
      "cancel   9   | 9",
  })
  void cancelNamesAJob(String text, long jobId) {
    assertThat(parser.parse(text)).isEqualTo(new ParsedCommand.CancelRequest(jobId));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" is not a job number")
  @ValueSource(strings = {"cancel", "cancel soon", "cancel 0", "cancel -3", "cancel 1 2", "cancel 99999999999999999999"})
  void cancelNeedsAPositiveJobNumber(String text) {
    assertThat(parser.parse(text)).isInstanceOf(ParsedCommand.Unrecognised.class);
    assertThat(((ParsedCommand.Unrecognised) parser.parse(text)).message()).contains("`cancel` needs a job number");
  }

  private final Catalog example = PolicyDocument.compile(ExamplePolicy.document(), 1).catalog();

  @ParameterizedTest(name = "[{index}] \"{0}\" is refused: {1}")
  @CsvSource(delimiter = '|', value = {
      "deploy prod api --version 1.4.2             | unknown environment 'prod'; one of: staging, production. Usage: `deploy <environment> <service,...> --version <version>`; try `help deploy`.",
      "deploy staging                              | missing service",
      "deploy                                      | missing environment (one of: staging, production)",
      "deploy staging api                          | missing version",
      "deploy staging api --version                | --version needs a value",
      "deploy staging api --version 1.4            | version '1.4' does not have the expected form",
      "deploy staging api --version 1.4.2 --force  | `deploy` has no option --force",
      "deploy staging api --version=1.0.0 --version=1.0.1 | --version is given twice",
      "deploy staging api,,web --version 1.0.0     | service has an empty item in 'api,,web'",
      "deploy staging api,api --version 1.0.0      | service names 'api' twice",
      "scale staging api 21                        | replicas must be a whole number from 0 to 20, not 21",
      "scale staging api many                      | replicas must be a whole number from 0 to 20, not 'many'",
      "scale staging api 2 3                       | unexpected '3'",
  })
  void aCatalogCommandIsRefusedPrecisely(String text, String message) {
    assertThat(parser.parse(example, text)).isInstanceOfSatisfying(ParsedCommand.Unrecognised.class,
        unrecognised -> assertThat(unrecognised.message()).startsWith(message).contains("try `help "));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" lacks only required arguments")
  @CsvSource(delimiter = '|', value = {
      "deploy                      | ''",
      "ship staging                | environment=staging",
      "deploy staging api          | environment=staging;service=api",
      "deploy --version 1.4.2      | version=1.4.2",
  })
  void aCommandLackingOnlyRequiredArgumentsSaysWhatWasGiven(String text, String given) {
    assertThat(parser.parse(example, text)).isInstanceOfSatisfying(ParsedCommand.Unrecognised.class, unrecognised -> {
      assertThat(unrecognised.message()).startsWith("missing ");
      ParsedCommand.Incomplete incomplete = unrecognised.incomplete().orElseThrow();
      assertThat(incomplete.command().name()).isEqualTo("deploy");
      assertThat(incomplete.written()).isEqualTo(given.isEmpty() ? Map.of()
          : Arrays.stream(given.split(";")).map(pair -> pair.split("="))
              .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1])));
    });
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" is wrong, not incomplete")
  @ValueSource(strings = {"deploy prod", "deploy staging api --version 1.4", "scale staging api many", "deploi staging"})
  void aWrongValueIsNotIncomplete(String text) {
    assertThat(parser.parse(example, text)).isInstanceOfSatisfying(ParsedCommand.Unrecognised.class,
        unrecognised -> assertThat(unrecognised.incomplete()).isEmpty());
  }

  @Test
  void flagsMayBeWrittenWithEqualsAndAnywhere() {
    ParsedCommand first = parser.parse(example, "deploy --version=1.4.2 staging api");
    ParsedCommand second = parser.parse(example, "SHIP staging api --version 1.4.2");
    assertThat(first).isEqualTo(second);
    assertThat(first).isInstanceOfSatisfying(ParsedCommand.Invocation.class, invocation -> {
      assertThat(invocation.describe()).isEqualTo("`deploy` in staging on api");
      assertThat(invocation.targetLock()).map(TargetLock::describe).contains("staging/api");
    });
  }

  @Test
  void integersBecomeNumbersInTheActionArguments() {
    ParsedCommand.Invocation scale = (ParsedCommand.Invocation) parser.parse(example, "scale production web 3");
    assertThat(scale.arguments()).isEqualTo(new JsonObject().put("operation", "scale").put("namespace", "production")
        .put("deployment", "web").put("replicas", 3L).put("apiServerSecret", "kube-api").put("tokenSecret", "kube-token"));
    assertThat(scale.targetLock()).map(TargetLock::describe).contains("production/web");
    assertThat(((ParsedCommand.Invocation) parser.parse(example, "errors production api")).targetLock()).isEmpty();
  }

  @Test
  void builtinsWinOverTheCatalogAndHelpTakesATopic() {
    assertThat(parser.parse(example, "help deploy")).isEqualTo(new ParsedCommand.HelpRequest(Optional.of("deploy")));
    assertThat(parser.parse(example, "job #12")).isEqualTo(new ParsedCommand.JobRequest(12));
    assertThat(parser.parse(example, "jobs")).isEqualTo(new ParsedCommand.JobsRequest());
    assertThat(parser.parse(example, "whoami")).isEqualTo(new ParsedCommand.WhoamiRequest());
  }
}
