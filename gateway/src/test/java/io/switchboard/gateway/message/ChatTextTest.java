package io.switchboard.gateway.message;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("ChatText: spans built as meant, rendered by each platform's renderer")
class ChatTextTest {

  /** Shows each kind of span so that a test sees which renderer method drew it. */
  private static final ChatText.Renderer TAGGED = ChatText.Renderer.of(text -> "[" + text + "]",
      strong -> "*" + strong + "*", code -> "{" + code + "}", userId -> "@" + userId, Emoji::shortCode);

  @Test
  @DisplayName("adjacent plain words join, and every span is drawn in order by its own renderer method")
  void spansInOrder() {
    ChatText text = ChatText.builder().symbol(Emoji.CHECK).plain(" Done by ").mention("U1").plain(": ").plain("ran ")
        .code("deploy <x>").join(List.of(ChatText.of("a"), ChatText.builder().code("b").build()), ", ").build();

    assertThat(text.spans()).hasSize(7);
    assertThat(text.render(TAGGED)).isEqualTo(":white_check_mark:[ Done by ]@U1[: ran ]{deploy <x>}[a, ]{b}");
  }

  @Test
  @DisplayName("moments read to the second in UTC")
  void timesAreReadableToTheSecondInUtc() {
    assertThat(ChatText.time(Instant.parse("2024-12-03T14:03:22.123456Z"))).isEqualTo("3 Dec 2024, 14:03:22 UTC");
  }
}
