package io.switchboard.tenancy.policy;

import io.switchboard.tenancy.command.BuiltinCommand;

/**
 * Decides whether a request may run a command. Decisions are made on the event loop from in-memory
 * state: an implementation must not block or touch the database per decision.
 */
public interface PolicyDecider {

  Decision decide(CommandRequest request, BuiltinCommand command);
}
