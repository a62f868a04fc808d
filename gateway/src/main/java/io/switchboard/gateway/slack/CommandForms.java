package io.switchboard.gateway.slack;

import io.switchboard.tenancy.command.ArgumentSpec;
import io.switchboard.tenancy.command.ArgumentType;
import io.switchboard.tenancy.command.CommandSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the Slack modal that asks for a catalog command's arguments: one input block per argument
 * (block id {@code arg:<name>}), an enum as a {@code static_select} of its values (a
 * {@code multi_static_select} when it takes several), anything else as a {@code plain_text_input}
 * whose hint says the form it must have (pattern, range, comma-separated). Optional arguments are
 * marked optional, with their default in the hint. What the user already typed is filled in.
 */
public final class CommandForms {

  /** The {@code callback_id} of every command form. */
  public static final String CALLBACK_ID = "switchboard.command";
  /** The {@code action_id} of every input element of a command form. */
  static final String ACTION_ID = "value";
  private static final String BLOCK_PREFIX = "arg:";
  private static final int MAX_TITLE = 24;
  private static final int MAX_OPTIONS = 100;
  private static final int MAX_OPTION_TEXT = 75;
  private static final int MAX_INPUTS = 99;
  private static final int MAX_TEXT = 2000;

  private CommandForms() {
  }

  /** The block id of {@code argument}'s input. */
  static String blockId(ArgumentSpec argument) {
    return BLOCK_PREFIX + argument.name();
  }

  /**
   * The modal for {@code command} as invoked by {@code invokedAs}, with {@code written} (argument
   * name to text) filled in; empty when the command has more arguments than a modal holds.
   */
  static Optional<JsonObject> modal(CommandSpec command, String invokedAs, Map<String, String> written,
                                    FormMetadata metadata) {
    if (command.arguments().size() > MAX_INPUTS) {
      return Optional.empty();
    }
    JsonArray blocks = new JsonArray().add(new JsonObject().put("type", "section")
        .put("text", plain(cut((command.description().isBlank() ? "" : command.description() + "\n")
            + invokedAs + " " + command.usage(), MAX_TEXT))));
    for (ArgumentSpec argument : command.arguments()) {
      blocks.add(input(argument, Optional.ofNullable(written.get(argument.name()))));
    }
    return Optional.of(new JsonObject()
        .put("type", "modal")
        .put("callback_id", CALLBACK_ID)
        .put("title", plain(cut(invokedAs + " " + command.name(), MAX_TITLE)))
        .put("submit", plain("Run"))
        .put("close", plain("Cancel"))
        .put("private_metadata", metadata.encode())
        .put("blocks", blocks));
  }

  private static JsonObject input(ArgumentSpec argument, Optional<String> written) {
    JsonObject block = new JsonObject().put("type", "input").put("block_id", blockId(argument))
        .put("label", plain(argument.name())).put("element", element(argument, written));
    String hint = hint(argument);
    if (!hint.isEmpty()) {
      block.put("hint", plain(cut(hint, MAX_TEXT)));
    }
    return block.put("optional", !argument.required());
  }

  private static JsonObject element(ArgumentSpec argument, Optional<String> written) {
    if (!selectable(argument)) {
      JsonObject text = new JsonObject().put("type", "plain_text_input").put("action_id", ACTION_ID);
      written.ifPresent(value -> text.put("initial_value", value));
      return text;
    }
    JsonArray options = new JsonArray();
    argument.values().forEach(value -> options.add(option(value)));
    JsonObject select = new JsonObject().put("action_id", ACTION_ID).put("options", options);
    List<String> chosen = written.map(text -> List.of(text.split(","))).orElse(List.of()).stream()
        .filter(argument.values()::contains).toList();
    if (argument.multiple()) {
      select.put("type", "multi_static_select");
      if (!chosen.isEmpty()) {
        select.put("initial_options", new JsonArray(chosen.stream().map(CommandForms::option).toList()));
      }
    } else {
      select.put("type", "static_select");
      chosen.stream().findFirst().ifPresent(value -> select.put("initial_option", option(value)));
    }
    return select.put("placeholder", plain("Choose " + argument.name()));
  }

  /** An enum whose values fit in a select menu's options. */
  private static boolean selectable(ArgumentSpec argument) {
    return argument.type() == ArgumentType.ENUM && argument.values().size() <= MAX_OPTIONS
        && argument.values().stream().allMatch(value -> value.length() <= MAX_OPTION_TEXT);
  }

  /** What the argument is, the form its value must have, and its default. */
  private static String hint(ArgumentSpec argument) {
    List<String> parts = new ArrayList<>();
    if (!argument.description().isBlank()) {
      parts.add(argument.description());
    }
    if (argument.type() == ArgumentType.INTEGER) {
      parts.add("A whole number" + range(argument));
    } else if (argument.type() == ArgumentType.STRING) {
      argument.pattern().ifPresent(pattern -> parts.add("Must match " + pattern.pattern()));
    } else if (!selectable(argument)) {
      parts.add("One of: " + String.join(", ", argument.values()));
    }
    if (argument.multiple()) {
      parts.add(argument.type() == ArgumentType.ENUM ? "One or more" : "One or more, separated by commas");
    }
    argument.defaultValue().ifPresent(value -> parts.add("Default: " + value));
    return String.join(". ", parts);
  }

  private static String range(ArgumentSpec argument) {
    if (argument.min().isPresent() && argument.max().isPresent()) {
      return " from " + argument.min().get() + " to " + argument.max().get();
    }
    return argument.min().map(min -> " of at least " + min)
        .or(() -> argument.max().map(max -> " of at most " + max)).orElse("");
  }

  private static JsonObject option(String value) {
    return new JsonObject().put("text", plain(value)).put("value", value);
  }

  private static JsonObject plain(String text) {
    return new JsonObject().put("type", "plain_text").put("text", text);
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
