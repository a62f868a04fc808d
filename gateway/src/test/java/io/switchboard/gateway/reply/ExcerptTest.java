package io.switchboard.gateway.reply;

import org.junit.jupiter.api.Test;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class ExcerptTest {

  private static String lines(int count, int width) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> String.format("%-" + width + "s", "line " + i))
        .collect(Collectors.joining("\n"));
  }

  @Test
  void twentyShortLinesAreNotLong() {
    ReplyMessage.Excerpt excerpt = new ReplyMessage.Excerpt(lines(20, 10) + "\n", 7);
    assertThat(excerpt.lines()).isEqualTo(20);
    assertThat(excerpt.isLong()).isFalse();
    assertThat(excerpt.head()).isSameAs(excerpt);
  }

  @Test
  void moreLinesKeepTheFirstTwentyAndSayHowMuchIsLeft() {
    ReplyMessage.Excerpt excerpt = new ReplyMessage.Excerpt(lines(21, 10), 7);
    assertThat(excerpt.isLong()).isTrue();
    String head = excerpt.head().text();
    assertThat(head).startsWith("line 1 ").contains("line 20 ").doesNotContain("line 21")
        .endsWith("… (1 more line, 11 more characters)");
  }

  @Test
  void fewLongLinesAreCutAtTheCharacterLimit() {
    ReplyMessage.Excerpt excerpt = new ReplyMessage.Excerpt(lines(3, 1_000), 7);
    assertThat(excerpt.isLong()).isTrue();
    String head = excerpt.head().text();
    assertThat(head.substring(0, head.indexOf("\n…"))).hasSize(ReplyMessage.Excerpt.LONG_CHARS);
    assertThat(head).endsWith("… (" + (excerpt.text().length() - ReplyMessage.Excerpt.LONG_CHARS)
        + " more characters)");
  }
}
