package io.switchboard.gateway.slack;

import io.switchboard.tenancy.command.CommandSpec;
import io.switchboard.tenancy.policy.PolicyDocument;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command form rendered from a catalog command and its submission read back, for the argument
 * shapes the end-to-end scenarios do not reach: several choices, long enums, optional positional
 * arguments with and without defaults.
 */
@DisplayName("Command forms: rendering and reading back")
class FormSubmissionTest {

  private static final FormMetadata METADATA = new FormMetadata("rotate", "/ops", "C0OPS",
      "https://hooks.slack.com/commands/T0/1");

  /** {@code rotate <region,...> <tier> [<note>] [<count>] [--label <label>]}. */
  private final CommandSpec rotate = PolicyDocument.compile(new JsonObject().put("commands", new JsonArray().add(
      new JsonObject().put("name", "rotate").put("description", "Rotate keys")
          .put("arguments", new JsonArray()
              .add(new JsonObject().put("name", "region").put("type", "enum").put("multiple", true)
                  .put("values", new JsonArray().add("eu").add("us").add("ap")))
              .add(new JsonObject().put("name", "tier").put("type", "enum")
                  .put("values", new JsonArray(IntStream.range(0, 101).mapToObj(i -> "t" + i).toList())))
              .add(new JsonObject().put("name", "note").put("type", "string").put("required", false))
              .add(new JsonObject().put("name", "count").put("type", "integer").put("min", 1).put("default", "1"))
              .add(new JsonObject().put("name", "label").put("type", "string").put("flag", true)
                  .put("required", false)))
          .put("action", new JsonObject().put("type", "echo").put("parameters", new JsonObject()
              .put("text", "rotate {{region}}"))))), 1).catalog().find("rotate").orElseThrow();

  @Test
  @DisplayName("several choices are a multi-select, more than 100 a text input listing them; optionals say so")
  void rendersEachShape() {
    JsonObject view = CommandForms.modal(rotate, "/ops", Map.of("region", "eu,ap"), METADATA).orElseThrow();

    JsonObject region = block(view, "arg:region").getJsonObject("element");
    assertThat(region.getString("type")).isEqualTo("multi_static_select");
    assertThat(region.getJsonArray("initial_options").stream().map(o -> ((JsonObject) o).getString("value")).toList())
        .containsExactly("eu", "ap");
    JsonObject tier = block(view, "arg:tier");
    assertThat(tier.getJsonObject("element").getString("type")).isEqualTo("plain_text_input");
    assertThat(tier.getJsonObject("hint").getString("text")).startsWith("One of: t0, t1, t2");
    assertThat(block(view, "arg:note").getBoolean("optional")).isTrue();
    assertThat(block(view, "arg:count").getJsonObject("hint").getString("text"))
        .isEqualTo("A whole number of at least 1. Default: 1");
    assertThat(block(view, "arg:label").getBoolean("optional")).isTrue();
    assertThat(FormMetadata.decode(view.getString("private_metadata"))).isEqualTo(METADATA);
  }

  @Test
  @DisplayName("values make the command text; a skipped optional before a given one is filled with its default")
  void readsTheCommandText() {
    assertThat(read(Map.of("arg:region", "eu,us", "arg:tier", "t7")).text()).contains("rotate eu,us t7");
    assertThat(read(Map.of("arg:region", "eu", "arg:tier", "t7", "arg:note", "n", "arg:label", "x")).text())
        .contains("rotate eu t7 n --label x");
    assertThat(read(Map.of("arg:region", "eu", "arg:tier", "t7", "arg:note", "n", "arg:count", "3")).text())
        .contains("rotate eu t7 n 3");
  }

  @Test
  @DisplayName("a skipped optional without a default before a given one, and values the parser refuses, name their fields")
  void namesTheFieldsToFix() {
    FormSubmission skipped = read(Map.of("arg:region", "eu", "arg:tier", "t7", "arg:count", "3"));
    assertThat(skipped.text()).isEmpty();
    assertThat(skipped.errors()).isEqualTo(Map.of("arg:note", "give this too, or leave the fields after it empty"));

    FormSubmission wrong = read(Map.of("arg:region", "eu", "arg:tier", "t101", "arg:note", "n", "arg:count", "0",
        "arg:label", "--force"));
    assertThat(wrong.errors()).isEqualTo(Map.of(
        "arg:tier", "unknown tier 't101'; one of: " + String.join(", ", IntStream.range(0, 101)
            .mapToObj(i -> "t" + i).toList()),
        "arg:count", "count must be a whole number of at least 1, not 0",
        "arg:label", "label must not start with --"));
  }

  @Test
  @DisplayName("a form without all of the command's fields, or with others, is stale")
  void staleWhenTheFieldsDiffer() {
    JsonObject values = state(Map.of("arg:region", "eu", "arg:tier", "t7"));
    values.remove("arg:label");
    assertThat(FormSubmission.read(rotate, values).stale()).isTrue();
    assertThat(FormSubmission.read(rotate, state(Map.of("arg:region", "eu", "arg:tier", "t7"))
        .put("arg:colour", new JsonObject())).stale()).isTrue();
    assertThat(read(Map.of("arg:region", "eu", "arg:tier", "t7")).stale()).isFalse();
  }

  private FormSubmission read(Map<String, String> values) {
    return FormSubmission.read(rotate, state(values));
  }

  /** {@code view.state.values} as Slack sends them for the rendered form filled with {@code values}. */
  private JsonObject state(Map<String, String> values) {
    JsonObject view = CommandForms.modal(rotate, "/ops", Map.of(), METADATA).orElseThrow();
    return SignedViewSubmission.filled(view, new HashMap<>(values)).getJsonObject("state").getJsonObject("values");
  }

  private static JsonObject block(JsonObject view, String blockId) {
    return view.getJsonArray("blocks").stream().map(JsonObject.class::cast)
        .filter(block -> blockId.equals(block.getString("block_id"))).findFirst().orElseThrow();
  }
}
