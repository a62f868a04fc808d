package io.switchboard.executor.action;

import io.vertx.core.Future;

/** Returns its {@code text} argument: the smallest real action, proving the whole path works. */
public final class EchoAction implements Action {

  @Override
  public String type() {
    return "echo";
  }

  @Override
  public Future<ActionResult> run(ActionContext context) {
    String text = context.arguments().getString("text");
    if (text == null) {
      return Future.succeededFuture(ActionResult.failure("echo needs a 'text' argument"));
    }
    return Future.succeededFuture(ActionResult.success(text));
  }
}
