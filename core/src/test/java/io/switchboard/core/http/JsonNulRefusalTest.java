package io.switchboard.core.http;

import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonNulRefusalTest {

  @Test
  void aNulAnywhereInAPayloadIsRefused() {
    for (Object payload : new Object[] {"a\u0000", new JsonObject().put("k\u0000", 1),
        new JsonObject().put("a", new JsonArray().add(1).add(new JsonObject().put("b", "x\u0000y")))}) {
      assertThatThrownBy(() -> UnstorableCharacters.refuseIn(payload)).isInstanceOf(SwitchboardException.class)
          .hasMessageContaining("NUL");
    }
    assertThatCode(() -> UnstorableCharacters.refuseIn(new JsonObject().put("text", "a literal \\u0000 is fine")
        .put("n", 0).putNull("x").put("l", new JsonArray().add("ok")))).doesNotThrowAnyException();
  }
}
