package io.switchboard.gateway.slack;

import io.switchboard.tenancy.command.ArgumentSpec;
import io.switchboard.tenancy.command.CommandSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The values of a submitted command form ({@link CommandForms}) read against the command as the
 * catalog has it now: the command text they make ({@code deploy staging api --version 1.4.2}), which
 * the {@code CommandPipeline} then parses like any typed command; or, for each field whose value
 * would not parse, a message by block id, for Slack's {@code response_action: errors}; or neither,
 * when the form's fields are no longer the command's (its arguments changed since the form opened).
 *
 * @param text   the command text, when every field is fine
 * @param errors the message for each field that is not, by block id
 */
record FormSubmission(Optional<String> text, Map<String, String> errors) {

  private static final String SKIPPED = "give this too, or leave the fields after it empty";

  /** Whether the form no longer matches the command, so that it has to be opened again. */
  boolean stale() {
    return text.isEmpty() && errors.isEmpty();
  }

  /**
   * Reads {@code view.state.values} of a submission.
   *
   * @throws IllegalArgumentException when the values are not shaped as Slack sends them
   */
  static FormSubmission read(CommandSpec command, JsonObject values) {
    Set<String> blocks = new HashSet<>();
    command.arguments().forEach(argument -> blocks.add(CommandForms.blockId(argument)));
    if (!blocks.equals(values.fieldNames())) {
      return new FormSubmission(Optional.empty(), Map.of());
    }
    Map<String, String> errors = new LinkedHashMap<>();
    List<ArgumentSpec> positional = new ArrayList<>();
    List<Optional<String>> given = new ArrayList<>();
    List<String> flags = new ArrayList<>();
    for (ArgumentSpec argument : command.arguments()) {
      String blockId = CommandForms.blockId(argument);
      Optional<String> value = value(values.getValue(blockId), blockId);
      value.flatMap(v -> problem(argument, v)).ifPresent(problem -> errors.put(blockId, problem));
      if (value.isEmpty() && argument.required()) {
        errors.put(blockId, argument.name() + " is required");
      }
      if (argument.flag()) {
        value.ifPresent(v -> flags.add("--" + argument.name() + " " + v));
      } else {
        positional.add(argument);
        given.add(value);
      }
    }
    List<String> words = new ArrayList<>(List.of(command.name()));
    int last = -1;
    for (int i = 0; i < given.size(); i++) {
      last = given.get(i).isPresent() ? i : last;
    }
    for (int i = 0; i <= last; i++) {
      Optional<String> written = given.get(i).or(positional.get(i)::defaultValue);
      if (written.isEmpty()) {
        errors.putIfAbsent(CommandForms.blockId(positional.get(i)), SKIPPED);
      } else {
        words.add(written.get());
      }
    }
    if (!errors.isEmpty()) {
      return new FormSubmission(Optional.empty(), Map.copyOf(errors));
    }
    words.addAll(flags);
    return new FormSubmission(Optional.of(String.join(" ", words)), Map.of());
  }

  /** What the parser would refuse in {@code value}, in the words it would use. */
  private static Optional<String> problem(ArgumentSpec argument, String value) {
    if (value.codePoints().anyMatch(Character::isWhitespace)) {
      return Optional.of(argument.name() + " must not contain spaces");
    }
    if (value.startsWith("--")) {
      return Optional.of(argument.name() + " must not start with --");
    }
    try {
      argument.read(value);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * The text of one input: a text input's {@code value} (stripped, commas without spaces around
   * them), a select's {@code selected_option}, a multi-select's {@code selected_options} joined by
   * commas; empty when nothing was given.
   */
  private static Optional<String> value(Object block, String blockId) {
    if (!(block instanceof JsonObject inputs) || !(inputs.getValue(CommandForms.ACTION_ID) instanceof JsonObject input)) {
      throw new IllegalArgumentException("view.state.values." + blockId + " is malformed");
    }
    String type = String.valueOf(input.getValue("type"));
    String text = switch (type) {
      case "plain_text_input" -> input.getValue("value") instanceof String s ? s.strip().replaceAll("\\s*,\\s*", ",")
          : null;
      case "static_select" -> input.getValue("selected_option") instanceof JsonObject option ? option(option) : null;
      case "multi_static_select" -> input.getValue("selected_options") instanceof JsonArray options
          ? String.join(",", options.stream().map(o -> option(o instanceof JsonObject j ? j : null)).toList()) : null;
      default -> throw new IllegalArgumentException("view.state.values." + blockId + " has an unknown type");
    };
    return text == null || text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  private static String option(JsonObject option) {
    if (option == null || !(option.getValue("value") instanceof String value)) {
      throw new IllegalArgumentException("a selected option has no value");
    }
    return value;
  }
}
