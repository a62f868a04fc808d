package io.switchboard.gateway.command;

import io.switchboard.core.job.Job;
import io.switchboard.core.job.JobStatus;
import io.switchboard.core.job.JobStore;
import io.switchboard.gateway.reply.BlockKitResult;
import io.switchboard.gateway.reply.Plural;
import io.switchboard.gateway.slack.SlackText;
import io.switchboard.tenancy.command.ArgumentSpec;
import io.switchboard.tenancy.command.BuiltinCommand;
import io.switchboard.tenancy.command.CommandSpec;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.TenantPolicy;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Answers the built-in commands that need no job, as ephemeral Slack messages: {@code help} and
 * {@code help <command>} from the tenant's catalog (showing only what the user may run),
 * {@code whoami}, {@code jobs} and {@code job <id>}.
 */
public final class ChatBuiltins {

  static final int RECENT_JOBS = 10;

  private final Pool pool;

  public ChatBuiltins(Pool pool) {
    this.pool = pool;
  }

  /** The commands the user may run in this channel: the built-ins, then the catalog's. */
  public JsonObject help(TenantPolicy policy, CommandRequest request, String slashCommand, Optional<String> topic) {
    if (topic.isPresent()) {
      return SlackText.ephemeral(helpOn(policy, request, slashCommand, topic.get()));
    }
    StringBuilder text = new StringBuilder("Commands you can run here:\n");
    for (BuiltinCommand command : BuiltinCommand.values()) {
      text.append("• ").append(SlackText.code(slashCommand + " " + command.usage())).append(" — ")
          .append(command.description()).append('\n');
    }
    for (CommandSpec command : policy.catalog().commands()) {
      if (policy.mayRunSomewhere(request, command.name())) {
        text.append("• ").append(SlackText.code(slashCommand + " " + command.usage())).append(" — ")
            .append(SlackText.escape(command.description())).append('\n');
      }
    }
    return SlackText.ephemeral(text.append("Try `").append(slashCommand).append(" help <command>` for details.")
        .toString());
  }

  private static String helpOn(TenantPolicy policy, CommandRequest request, String slashCommand, String topic) {
    Optional<BuiltinCommand> builtin = BuiltinCommand.byWord(topic);
    if (builtin.isPresent()) {
      return SlackText.code(slashCommand + " " + builtin.get().usage()) + " — " + builtin.get().description();
    }
    Optional<CommandSpec> found = policy.catalog().find(topic).filter(c -> policy.mayRunSomewhere(request, c.name()));
    if (found.isEmpty()) {
      return "There is no command " + SlackText.code(topic) + " that you can run here. Try `" + slashCommand
          + " help`.";
    }
    CommandSpec command = found.get();
    StringBuilder text = new StringBuilder(SlackText.code(slashCommand + " " + command.usage()));
    if (!command.description().isEmpty()) {
      text.append(" — ").append(SlackText.escape(command.description()));
    }
    if (!command.aliases().isEmpty()) {
      text.append("\nAlso: ").append(command.aliases().stream().map(SlackText::code).collect(Collectors.joining(", ")));
    }
    for (ArgumentSpec argument : command.arguments()) {
      text.append("\n• ").append(SlackText.code(argument.usage())).append(' ').append(describe(argument));
    }
    for (String example : command.examples()) {
      text.append("\nExample: ").append(SlackText.code(slashCommand + " " + example));
    }
    if (command.readOnly()) {
      text.append("\nRead-only: it changes nothing.");
    }
    return text.toString();
  }

  private static String describe(ArgumentSpec argument) {
    String kind = switch (argument.type()) {
      case ENUM -> "one of " + String.join(", ", argument.values());
      case INTEGER -> "a whole number" + argument.min().map(m -> " ≥ " + m).orElse("")
          + argument.max().map(m -> " ≤ " + m).orElse("");
      case STRING -> argument.pattern().map(p -> "text matching " + p.pattern()).orElse("text");
    };
    String more = (argument.multiple() ? ", several separated by commas" : "")
        + argument.defaultValue().map(d -> ", default " + d).orElse("");
    String description = argument.description().isEmpty() ? "" : SlackText.escape(argument.description()) + ": ";
    return description + SlackText.escape(kind + more);
  }

  /** The user's roles in this workspace. */
  public JsonObject whoami(TenantPolicy policy, CommandRequest request) {
    List<String> roles = policy.rolesOf(request);
    String who = "You are <@" + SlackText.escape(request.userId()) + "> in workspace "
        + SlackText.code(request.workspaceId()) + ".";
    return SlackText.ephemeral(roles.isEmpty()
        ? who + " You hold no roles here, so you can run the built-in commands only."
        : who + " Your roles: " + roles.stream().map(SlackText::code).collect(Collectors.joining(", ")) + ".");
  }

  /** The user's most recent jobs in this tenant. */
  public Future<JsonObject> jobs(CommandRequest request) {
    return JobStore.recentOf(pool, request.tenantId(), request.platform(), request.userId(), RECENT_JOBS).map(jobs -> {
      if (jobs.isEmpty()) {
        return SlackText.ephemeral("You have no jobs yet.");
      }
      String lines = jobs.stream()
          .map(job -> "• job " + job.id() + " " + SlackText.code(job.commandText()) + " — " + job.status().wire()
              + " (" + SlackText.time(job.createdAt()) + ")")
          .collect(Collectors.joining("\n"));
      return SlackText.ephemeral("Your last " + Plural.of(jobs.size(), "job") + ":\n" + lines);
    });
  }

  /**
   * One job's status and output. A user sees their own jobs and the jobs run in the channel they ask
   * from (whose results were posted there anyway); another tenant's job does not exist.
   */
  public Future<JsonObject> job(CommandRequest request, long jobId) {
    return JobStore.find(pool, request.tenantId(), jobId).map(found -> {
      Optional<Job> visible = found.filter(job -> job.platform().equals(request.platform())
          && (job.requester().equals(request.userId()) || job.channel().equals(request.channelId())));
      if (visible.isEmpty()) {
        return SlackText.ephemeral("There is no job " + jobId + " that you can see here.");
      }
      Job job = visible.get();
      if (job.status() == JobStatus.QUEUED || job.status() == JobStatus.RUNNING) {
        String progressAt = job.progressAt() == null ? "" : " (" + SlackText.time(job.progressAt()) + ")";
        String progress = job.status() == JobStatus.RUNNING && job.progress() != null
            ? "\nLatest progress" + progressAt + ": " + SlackText.escape(job.progress()) : "";
        return SlackText.ephemeral("Job " + jobId + " " + SlackText.code(job.commandText()) + " is "
            + job.status().wire() + (job.attempts() > 0 ? " (attempt " + job.attempts() + ")" : "") + "." + progress);
      }
      return BlockKitResult.of(job).put("response_type", "ephemeral");
    });
  }
}
