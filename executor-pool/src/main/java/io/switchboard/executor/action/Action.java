package io.switchboard.executor.action;

import io.vertx.core.Future;

/**
 * An operation a job can run: one plugin per action type. An action must not block its event loop
 * (run blocking libraries with {@code executeBlocking}) and should pass the context's idempotency
 * key to targets that accept one, so a re-run after a lost lease is a no-op there.
 */
public interface Action {

  /** The action type jobs name, e.g. {@code echo}. */
  String type();

  Future<ActionResult> run(ActionContext context);
}
