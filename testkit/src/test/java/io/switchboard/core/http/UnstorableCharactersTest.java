package io.switchboard.core.http;

import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("A payload with a NUL or half a surrogate pair is refused; whole pairs are text like any other")
class UnstorableCharactersTest {

  @Test
  void loneSurrogatesAndNulsAreRefusedAnywhere() {
    for (String bad : new String[] {"a\u0000b", "al\ud800ice", "x\udc00", "\ud83d", "ok\ud83d\ud83d"}) {
      assertThat(UnstorableCharacters.unstorable(bad)).as(bad).isTrue();
      assertThatThrownBy(() -> UnstorableCharacters.refuseIn(new JsonObject().put("from",
          new JsonObject().put("id", bad)))).isInstanceOf(SwitchboardException.class).hasMessageContaining("surrogate");
      assertThatThrownBy(() -> UnstorableCharacters.refuseIn(new JsonObject().put(bad, 1)))
          .isInstanceOf(SwitchboardException.class);
      assertThatThrownBy(() -> UnstorableCharacters.refuseIn(new JsonArray().add(new JsonArray().add(bad))))
          .isInstanceOf(SwitchboardException.class);
    }
  }

  @Test
  void wholePairsAndPlainTextPass() {
    for (String good : new String[] {"", "alice", "deploy \ud83d\ude80 now", "\ud83d\ude80", "żółć"}) {
      assertThat(UnstorableCharacters.unstorable(good)).as(good).isFalse();
      assertThatCode(() -> UnstorableCharacters.refuseIn(new JsonObject().put("text", good).put(good + "k", good)))
          .doesNotThrowAnyException();
    }
  }
}
