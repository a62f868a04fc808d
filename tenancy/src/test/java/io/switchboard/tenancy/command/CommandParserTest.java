package io.switchboard.tenancy.command;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

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
    assertThat(parsed).isEqualTo(new ParsedCommand.Invocation(
        BuiltinCommand.ECHO, "echo", new JsonObject().put("text", expected)));
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
    assertThat(parser.parse(text)).isEqualTo(new ParsedCommand.Invocation(
        BuiltinCommand.ECHO, "echo", new JsonObject().put("text", "a".repeat(CommandParser.MAX_TEXT_LENGTH - 5))));
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
}
