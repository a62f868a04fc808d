package io.switchboard.gateway.command;

import io.vertx.core.Future;

/**
 * One step of the command path ({@link CommandPipeline}), in the manner of an interceptor chain: it
 * looks at what the steps before it found, and either answers the command itself (a refusal, a
 * built-in's answer, the queued job) or hands a {@link CommandState} with what it adds to the next
 * step. Steps run on the event loop and never block.
 */
public interface CommandStep {

  Future<CommandAnswer> handle(CommandState state, Next next);

  /** The rest of the path after a step. */
  @FunctionalInterface
  interface Next {

    Future<CommandAnswer> proceed(CommandState state);
  }
}
