package io.switchboard.deploy;

import io.switchboard.executor.action.Action;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * A test-only action, installed through {@code META-INF/services} as any plugin would be: it takes
 * {@code millis} to finish (so a test can kill its executor mid-job) and stops when told to.
 */
public final class SlowAction implements Action {

  @Override
  public String type() {
    return "slow";
  }

  @Override
  public Future<ActionResult> run(ActionContext context) {
    Promise<ActionResult> done = Promise.promise();
    long timer = context.vertx().setTimer(context.arguments().getLong("millis", 1000L),
        id -> done.tryComplete(ActionResult.success("slept on attempt " + context.attempt())));
    context.stop().onSuccess(reason -> {
      context.vertx().cancelTimer(timer);
      done.tryComplete(ActionResult.failure(reason));
    });
    return done.future();
  }
}
