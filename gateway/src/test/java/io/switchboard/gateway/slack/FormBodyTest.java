package io.switchboard.gateway.slack;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FormBodyTest {

  @Test
  void decodesFields() {
    FormBody form = FormBody.parse("text=echo+hello%21&command=%2Fops&empty=&flag");
    assertThat(form.get("text")).hasValue("echo hello!");
    assertThat(form.get("command")).hasValue("/ops");
    assertThat(form.get("empty")).hasValue("");
    assertThat(form.get("flag")).hasValue("");
    assertThat(form.get("absent")).isEmpty();
  }

  @Test
  void refusesBadEscapesAndRepeatedFields() {
    assertThatThrownBy(() -> FormBody.parse("text=%zz")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FormBody.parse("text=%4")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FormBody.parse("a=1&a=2")).hasMessageContaining("'a'");
  }

  @Test
  void requireRefusesMissingAndBlankFields() {
    FormBody form = FormBody.parse("user_id=+&team_id=T1");
    assertThat(form.require("team_id")).isEqualTo("T1");
    assertThatThrownBy(() -> form.require("user_id")).hasMessageContaining("user_id");
    assertThatThrownBy(() -> form.require("channel_id")).hasMessageContaining("channel_id");
  }

  @Test
  void peekReadsOneFieldOfAnUntrustedBody() {
    assertThat(FormBody.peek("a=1&team_id=T%30X&text=%zz", "team_id")).hasValue("T0X");
    assertThat(FormBody.peek("xteam_id=T1", "team_id")).isEmpty();
    assertThat(FormBody.peek("team_id=%zz", "team_id")).isEmpty();
  }
}
