package io.switchboard.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonDiffTest {

  @Test
  void equalDocumentsHaveNoChanges() {
    JsonObject doc = new JsonObject("{\"a\": [1, {\"b\": null}], \"c\": {\"d\": \"x\"}}");
    assertThat(JsonDiff.between(doc, doc.copy())).isEmpty();
    assertThat(JsonDiff.between(new JsonObject("{\"n\": 1}"), new JsonObject("{\"n\": 1.0}"))).isEmpty();
  }

  @Test
  void changedLeavesAreListedByPointer() {
    JsonArray changes = JsonDiff.between(
        new JsonObject("{\"commands\": [{\"name\": \"deploy\", \"timeoutSeconds\": 60}], \"keep\": true}"),
        new JsonObject("{\"commands\": [{\"name\": \"deploy\", \"timeoutSeconds\": 90}], \"keep\": true}"));
    assertThat(changes).containsExactly(new JsonObject()
        .put("path", "/commands/0/timeoutSeconds").put("before", 60).put("after", 90));
  }

  @Test
  void addedAndRemovedValuesHaveOnlyOneSide() {
    JsonArray changes = JsonDiff.between(
        new JsonObject("{\"gone\": 1, \"list\": [\"a\", \"b\"]}"),
        new JsonObject("{\"new\": {\"x\": 1}, \"list\": [\"a\"]}"));
    assertThat(changes).containsExactly(
        new JsonObject().put("path", "/gone").put("before", 1),
        new JsonObject().put("path", "/list/1").put("before", "b"),
        new JsonObject().put("path", "/new").put("after", new JsonObject().put("x", 1)));
  }

  @Test
  void nullIsAValueAndAChangeOfKindIsOneEntry() {
    assertThat(JsonDiff.between(new JsonObject("{\"a\": null}"), new JsonObject("{}")))
        .containsExactly(new JsonObject().put("path", "/a").put("before", null));
    assertThat(JsonDiff.between(new JsonObject("{\"a\": [1]}"), new JsonObject("{\"a\": {\"0\": 1}}")))
        .containsExactly(new JsonObject().put("path", "/a").put("before", new JsonArray().add(1))
            .put("after", new JsonObject().put("0", 1)));
  }

  @Test
  void keysAreEscapedAsJsonPointers() {
    assertThat(JsonDiff.between(new JsonObject(), new JsonObject().put("a/b~c", 1)))
        .containsExactly(new JsonObject().put("path", "/a~1b~0c").put("after", 1));
  }
}
