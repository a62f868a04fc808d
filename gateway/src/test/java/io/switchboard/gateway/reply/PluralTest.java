package io.switchboard.gateway.reply;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PluralTest {

  @Test
  void oneIsSingularEverythingElsePlural() {
    assertThat(Plural.of(1, "job")).isEqualTo("1 job");
    assertThat(Plural.of(0, "job")).isEqualTo("0 jobs");
    assertThat(Plural.of(2, "more line")).isEqualTo("2 more lines");
  }

  @Test
  void anExcerptCutByOneCharacterSaysSo() {
    assertThat(new ReplyMessage.Excerpt("abcd", 9).cut(3)).isEqualTo("abc\n… (1 more character: GET /api/v1/jobs/9)");
  }
}
