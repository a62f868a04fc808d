package io.switchboard.tenancy.policy;

import io.switchboard.tenancy.command.BuiltinCommand;

/**
 * The policy before tenant policies exist: every member of an installed workspace may run the
 * built-in commands, which touch nothing outside Switchboard.
 */
public final class MembersMayRunBuiltins implements PolicyDecider {

  @Override
  public Decision decide(CommandRequest request, BuiltinCommand command) {
    return Decision.allow("built-in command '" + command.word() + "' is open to every member");
  }
}
