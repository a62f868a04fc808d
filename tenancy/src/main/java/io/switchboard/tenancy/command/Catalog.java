package io.switchboard.tenancy.command;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant's commands, found by name or alias (case-insensitive). Built-in commands are not in it:
 * every tenant has those, and no catalog command may take their names.
 */
public final class Catalog {

  public static final Catalog EMPTY = new Catalog(List.of());

  private final Map<String, CommandSpec> byName = new LinkedHashMap<>();
  private final Map<String, CommandSpec> byWord = new LinkedHashMap<>();

  public Catalog(Collection<CommandSpec> commands) {
    for (CommandSpec command : commands) {
      byName.put(command.name(), command);
      byWord.put(command.name(), command);
      command.aliases().forEach(alias -> byWord.put(alias, command));
    }
  }

  /** The command a typed word names: its name or one of its aliases. */
  public Optional<CommandSpec> find(String word) {
    return Optional.ofNullable(byWord.get(word.toLowerCase(Locale.ROOT)));
  }

  /** The commands in the order the policy document lists them. */
  public Collection<CommandSpec> commands() {
    return byName.values();
  }
}
