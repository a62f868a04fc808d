package io.switchboard.gateway.discord;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DiscordSignatureTest {

  private final SignedInteraction.App app = SignedInteraction.App.generate("1");
  private final String body = "{\"type\":1}";

  @Test
  void aSignatureOverTimestampAndBodyVerifies() {
    String signature = app.sign("1700000000", body);
    assertThat(DiscordSignature.verify(app.publicKeyHex(), "1700000000", bytes(body), signature)).isTrue();
  }

  @Test
  void anotherTimestampBodyOrKeyDoesNot() {
    String signature = app.sign("1700000000", body);
    assertThat(DiscordSignature.verify(app.publicKeyHex(), "1700000001", bytes(body), signature)).isFalse();
    assertThat(DiscordSignature.verify(app.publicKeyHex(), "1700000000", bytes(body + " "), signature)).isFalse();
    assertThat(DiscordSignature.verify(SignedInteraction.App.generate("2").publicKeyHex(), "1700000000", bytes(body),
        signature)).isFalse();
  }

  @Test
  void malformedKeysAndSignaturesDoNotVerifyNorThrow() {
    String signature = app.sign("1700000000", body);
    assertThat(DiscordSignature.verify("zz", "1700000000", bytes(body), signature)).isFalse();
    assertThat(DiscordSignature.verify("ab".repeat(31), "1700000000", bytes(body), signature)).isFalse();
    assertThat(DiscordSignature.verify(app.publicKeyHex(), "1700000000", bytes(body), "00")).isFalse();
    assertThat(DiscordSignature.verify(app.publicKeyHex(), "1700000000", bytes(body), "g".repeat(128))).isFalse();
    assertThat(DiscordSignature.verify(app.publicKeyHex(), "1700000000", bytes(body), "ff".repeat(64))).isFalse();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
