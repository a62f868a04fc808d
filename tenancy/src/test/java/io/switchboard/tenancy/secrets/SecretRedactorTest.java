package io.switchboard.tenancy.secrets;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretRedactorTest {

  @Test
  void everyOccurrenceIsReplacedByTheSecretsName() {
    SecretRedactor redactor = new SecretRedactor(Map.of("db-password", "hunter2!", "api-key", "ak_live_123"));
    assertThat(redactor.redact("connecting with hunter2! ... key=ak_live_123; retry with hunter2!"))
        .isEqualTo("connecting with [redacted:db-password] ... key=[redacted:api-key]; retry with [redacted:db-password]");
    assertThat(redactor.redact("nothing secret here")).isEqualTo("nothing secret here");
    assertThat(redactor.redact("")).isEmpty();
    assertThat(redactor.redact(null)).isNull();
  }

  @Test
  void longerValuesWinOverValuesTheyContain() {
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("short", "abcd");
    secrets.put("long", "abcdefgh");
    SecretRedactor redactor = new SecretRedactor(secrets);
    assertThat(redactor.redact("x abcdefgh y abcd z")).isEqualTo("x [redacted:long] y [redacted:short] z");
  }

  @Test
  void overlappingValuesLeaveNoCharacterOfEitherBehind() {
    SecretRedactor redactor = new SecretRedactor(Map.of("a", "xxabc", "b", "abcdefgh"));
    assertThat(redactor.redact("[xxabcdefgh]")).isEqualTo("[[redacted:a,b]]");
  }

  @Test
  void valuesShorterThanFourCharactersAreLeftAlone() {
    SecretRedactor redactor = new SecretRedactor(Map.of("flag", "1", "pin", "123", "word", "1234"));
    assertThat(redactor.redact("1 12 123 1234 12345")).isEqualTo("1 12 123 [redacted:word] [redacted:word]5");
  }

  @Test
  void valuesAreMatchedLiterallyAndMarkersAreNotScannedAgain() {
    SecretRedactor redactor = new SecretRedactor(Map.of("regex", "a.*b$", "dollar", "$1\\x", "marker", "acted"));
    assertThat(redactor.redact("aXXb a.*b$ $1\\x redacted"))
        .isEqualTo("aXXb [redacted:regex] [redacted:dollar] red[redacted:marker]");
  }

  @Test
  void aValueSharedByTwoNamesShowsTheFirstName() {
    SecretRedactor redactor = new SecretRedactor(Map.of("zeta", "same-value", "alpha", "same-value"));
    assertThat(redactor.redact("is same-value")).isEqualTo("is [redacted:alpha]");
  }

  @Test
  void multiLineAndRepeatedValues() {
    SecretRedactor redactor = new SecretRedactor(Map.of("cert", "-----BEGIN KEY-----\nMIIB\n-----END KEY-----"));
    assertThat(redactor.redact("a\n-----BEGIN KEY-----\nMIIB\n-----END KEY-----\nb"))
        .isEqualTo("a\n[redacted:cert]\nb");
    SecretRedactor aaaa = new SecretRedactor(Map.of("a", "aaaa"));
    assertThat(aaaa.redact("aaaaaa")).as("overlapping occurrences of one value").isEqualTo("[redacted:a]");
    assertThat(aaaa.redact("aaaaaaaa")).isEqualTo("[redacted:a]");
    assertThat(aaaa.redact("aaaa-aaaa")).isEqualTo("[redacted:a]-[redacted:a]");
  }

  @Test
  void noSecretsChangeNothing() {
    assertThat(SecretRedactor.none().redact("text with hunter2!")).isEqualTo("text with hunter2!");
    assertThat(new SecretRedactor(Map.of()).redact("x")).isEqualTo("x");
  }
}
