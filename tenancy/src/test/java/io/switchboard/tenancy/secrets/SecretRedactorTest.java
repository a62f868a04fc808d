package io.switchboard.tenancy.secrets;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretRedactorTest {

  private static final String SECRET = "s3cr3t/Pa55+word?&=";

  @Test
  void commonEncodingsOfTheValueAreRedactedToo() {
    SecretRedactor redactor = new SecretRedactor(Map.of("db", SECRET));
    byte[] bytes = SECRET.getBytes(StandardCharsets.UTF_8);
    for (String form : List.of(
        Base64.getEncoder().encodeToString(bytes),
        Base64.getEncoder().withoutPadding().encodeToString(bytes),
        Base64.getUrlEncoder().encodeToString(bytes),
        URLEncoder.encode(SECRET, StandardCharsets.UTF_8),
        URLEncoder.encode(SECRET, StandardCharsets.UTF_8).replace("+", "%20"),
        "s3cr3t%2FPa55%2Bword%3F%26%3D",
        "s3cr3t%2fPa55%2bword%3f%26%3d",
        HexFormat.of().formatHex(bytes),
        HexFormat.of().withUpperCase().formatHex(bytes),
        new StringBuilder(SECRET).reverse().toString())) {
      String redacted = redactor.redact("before " + form + " after");
      assertThat(redacted).as(form).startsWith("before ").endsWith(" after").contains("[redacted:db]")
          .doesNotContain(form);
    }
  }

  @Test
  void aValueInsideALongerBase64TextIsRedactedAtEveryAlignment() {
    SecretRedactor redactor = new SecretRedactor(Map.of("db", SECRET));
    for (String user : List.of("u", "us", "usr", "user")) {
      for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
        String basic = encoder.encodeToString((user + ":" + SECRET + "@host").getBytes(StandardCharsets.UTF_8));
        String redacted = redactor.redact("Authorization: Basic " + basic);
        assertThat(redacted).as(user).contains("[redacted:db]");
        String left = redacted.replace("Authorization: Basic ", "").replace("[redacted:db]", "");
        assertThat(left.length()).as("what is left of " + basic + ": " + redacted)
            .isLessThanOrEqualTo(basic.length() - (SECRET.length() * 4 / 3 - 2));
      }
    }
  }

  @Test
  void encodedFormsShorterThanSixCharactersAreNotLookedFor() {
    SecretRedactor redactor = new SecretRedactor(Map.of("pin", "abcd"));
    assertThat(redactor.redact("dcba 61626364 abcd")).as("the hex form is long enough, the reversed one is not")
        .isEqualTo("dcba [redacted:pin] [redacted:pin]");
  }

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
