package io.switchboard.executor.action.simulated;

import io.switchboard.executor.action.Action;
import io.switchboard.executor.action.ActionContext;
import io.switchboard.executor.action.ActionResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pretend target for trying Switchboard without one ({@code type = "simulated"}): it reaches
 * nothing outside the process, walks through the steps of a {@link SimulatedPlan} on Vert.x timers
 * (never sleeping on its event loop), reports each step as progress, and returns them all as its
 * output. Every line it writes starts with {@value SimulatedPlan#MARK}, so nobody mistakes it for a
 * real deploy. It stops at once when {@link ActionContext#stop()} completes.
 *
 * <p>Arguments: {@code behaviour} ({@code deploy}, {@code restart}, {@code scale}, {@code fail},
 * {@code slow}), the words it describes ({@code environment}, {@code targets}, {@code version},
 * {@code replicas}), and optionally {@code steps} and {@code stepMillis} (see {@link SimulatedPlan}).
 */
public final class SimulatedAction implements Action {

  public static final String TYPE = "simulated";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Future<ActionResult> run(ActionContext context) {
    SimulatedPlan plan;
    try {
      plan = SimulatedPlan.of(context.arguments() == null ? new JsonObject() : context.arguments(), context.jobId());
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(ActionResult.failure(SimulatedPlan.MARK + " " + e.getMessage()));
    }
    if (context.stop().isComplete()) {
      return Future.succeededFuture(ActionResult.failure(SimulatedPlan.MARK + " stopped before it began: "
          + context.stop().result()));
    }
    return new Walk(context, plan).start();
  }

  /** One run through a plan: the next step's timer, the lines so far, and the end. */
  private static final class Walk {
    private final ActionContext context;
    private final Vertx vertx;
    private final SimulatedPlan plan;
    private final StringBuilder log = new StringBuilder();
    private final Promise<ActionResult> outcome = Promise.promise();
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile long timer = -1;
    private volatile int taken;

    Walk(ActionContext context, SimulatedPlan plan) {
      this.context = context;
      this.vertx = context.vertx();
      this.plan = plan;
    }

    Future<ActionResult> start() {
      context.stop().onComplete(reason -> {
        if (!done.get()) {
          finish(ActionResult.failure(append(SimulatedPlan.MARK + " stopped after step " + taken + " of "
              + plan.steps().size() + ": " + reason.result() + " (a simulation: nothing was changed)")));
        }
      });
      next();
      return outcome.future();
    }

    private void next() {
      if (done.get()) {
        return;
      }
      timer = vertx.setTimer(plan.stepMillis(), id -> step());
      if (done.get()) {
        vertx.cancelTimer(timer);
      }
    }

    private void step() {
      if (done.get()) {
        return;
      }
      List<String> steps = plan.steps();
      String line = steps.get(taken);
      taken++;
      append(line);
      if (taken < steps.size()) {
        context.progress().report(line);
        next();
      } else if (plan.failure() != null) {
        finish(ActionResult.failure(append(plan.failure())));
      } else {
        finish(ActionResult.success(append(plan.success())));
      }
    }

    /** Adds a line to the log; returns the whole log so far. */
    private synchronized String append(String line) {
      if (!log.isEmpty()) {
        log.append('\n');
      }
      return log.append(line).toString();
    }

    private void finish(ActionResult result) {
      if (done.compareAndSet(false, true)) {
        if (timer != -1) {
          vertx.cancelTimer(timer);
        }
        outcome.tryComplete(result);
      }
    }
  }
}
