package io.switchboard.gateway.command;

import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.jobs.JobCancellations;
import io.switchboard.tenancy.command.ParsedCommand;
import io.vertx.core.Future;

/**
 * Step 4: the built-ins that need no job, answered here: {@code help} (filtered by what the user may
 * run), {@code whoami}, {@code jobs}, {@code job <id>} ({@link ChatBuiltins}) and {@code cancel <id>}
 * (a chat user cancels only the jobs they started). Only invocations go on.
 */
final class AnswerBuiltins implements CommandStep {

  private final ChatBuiltins builtins;
  private final JobCancellations cancellations;

  AnswerBuiltins(ChatBuiltins builtins, JobCancellations cancellations) {
    this.builtins = builtins;
    this.cancellations = cancellations;
  }

  @Override
  public Future<CommandAnswer> handle(CommandState state, Next next) {
    ParsedCommand parsed = state.parsed();
    if (parsed instanceof ParsedCommand.HelpRequest help) {
      return answered(builtins.help(state.policy(), state.request(), state.command().invokedAs(), help.topic()));
    }
    if (parsed instanceof ParsedCommand.WhoamiRequest) {
      return answered(builtins.whoami(state.policy(), state.request()));
    }
    if (parsed instanceof ParsedCommand.JobsRequest) {
      return builtins.jobs(state.request()).map(CommandAnswer::of);
    }
    if (parsed instanceof ParsedCommand.JobRequest job) {
      return builtins.job(state.request(), job.jobId()).map(CommandAnswer::of);
    }
    if (parsed instanceof ParsedCommand.CancelRequest cancel) {
      return cancellations.cancel(state.request().tenantId(), cancel.jobId(), state.request().userId(), true)
          .map(outcome -> CommandAnswer.of(CancelMessages.of(outcome, cancel.jobId())));
    }
    return next.proceed(state);
  }

  private static Future<CommandAnswer> answered(ChatMessage message) {
    return Future.succeededFuture(CommandAnswer.of(message));
  }
}
