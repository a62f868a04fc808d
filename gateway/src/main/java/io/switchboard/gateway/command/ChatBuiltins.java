package io.switchboard.gateway.command;

import io.switchboard.core.job.Job;
import io.switchboard.core.job.JobStatus;
import io.switchboard.gateway.message.ChatMessage;
import io.switchboard.gateway.message.ChatText;
import io.switchboard.gateway.reply.Plural;
import io.switchboard.gateway.reply.ReplyMessage;
import io.switchboard.jobs.JobStore;
import io.switchboard.tenancy.command.ArgumentSpec;
import io.switchboard.tenancy.command.BuiltinCommand;
import io.switchboard.tenancy.command.CommandSpec;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.TenantPolicy;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.util.List;
import java.util.Optional;

/**
 * Answers the built-in commands that need no job, as messages only the asking user sees:
 * {@code help} and {@code help <command>} from the tenant's catalog (showing only what the user may
 * run), {@code whoami}, {@code jobs} and {@code job <id>}.
 */
public final class ChatBuiltins {

  static final int RECENT_JOBS = 10;

  private final Pool pool;

  public ChatBuiltins(Pool pool) {
    this.pool = pool;
  }

  /** The commands the user may run in this channel: the built-ins, then the catalog's. */
  public ChatMessage help(TenantPolicy policy, CommandRequest request, String slashCommand, Optional<String> topic) {
    if (topic.isPresent()) {
      return ChatMessage.ephemeral(helpOn(policy, request, slashCommand, topic.get()));
    }
    ChatText.Builder text = ChatText.builder().plain("Commands you can run here:\n");
    for (BuiltinCommand command : BuiltinCommand.values()) {
      text.plain("• ").code(slashCommand + " " + command.usage()).plain(" — " + command.description() + "\n");
    }
    for (CommandSpec command : policy.catalog().commands()) {
      if (policy.mayRunSomewhere(request, command.name())) {
        text.plain("• ").code(slashCommand + " " + command.usage()).plain(" — " + command.description() + "\n");
      }
    }
    return ChatMessage.ephemeral(text.plain("Try ").code(slashCommand + " help <command>").plain(" for details.")
        .build());
  }

  private static ChatText helpOn(TenantPolicy policy, CommandRequest request, String slashCommand, String topic) {
    Optional<BuiltinCommand> builtin = BuiltinCommand.byWord(topic);
    if (builtin.isPresent()) {
      return ChatText.builder().code(slashCommand + " " + builtin.get().usage())
          .plain(" — " + builtin.get().description()).build();
    }
    Optional<CommandSpec> found = policy.catalog().find(topic).filter(c -> policy.mayRunSomewhere(request, c.name()));
    if (found.isEmpty()) {
      return ChatText.builder().plain("There is no command ").code(topic).plain(" that you can run here. Try ")
          .code(slashCommand + " help").plain(".").build();
    }
    CommandSpec command = found.get();
    ChatText.Builder text = ChatText.builder().code(slashCommand + " " + command.usage());
    if (!command.description().isEmpty()) {
      text.plain(" — " + command.description());
    }
    if (!command.aliases().isEmpty()) {
      text.plain("\nAlso: ").join(command.aliases().stream().map(alias -> ChatText.builder().code(alias).build())
          .toList(), ", ");
    }
    for (ArgumentSpec argument : command.arguments()) {
      text.plain("\n• ").code(argument.usage()).plain(" " + describe(argument));
    }
    for (String example : command.examples()) {
      text.plain("\nExample: ").code(slashCommand + " " + example);
    }
    if (command.readOnly()) {
      text.plain("\nRead-only: it changes nothing.");
    }
    return text.build();
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
    String description = argument.description().isEmpty() ? "" : argument.description() + ": ";
    return description + kind + more;
  }

  /** The user's roles in this workspace. */
  public ChatMessage whoami(TenantPolicy policy, CommandRequest request) {
    List<String> roles = policy.rolesOf(request);
    ChatText.Builder text = ChatText.builder().plain("You are ").mention(request.userId()).plain(" in workspace ")
        .code(request.workspaceId()).plain(".");
    if (roles.isEmpty()) {
      text.plain(" You hold no roles here, so you can run the built-in commands only.");
    } else {
      text.plain(" Your roles: ").join(roles.stream().map(role -> ChatText.builder().code(role).build()).toList(), ", ")
          .plain(".");
    }
    return ChatMessage.ephemeral(text.build());
  }

  /** The user's most recent jobs in this tenant. */
  public Future<ChatMessage> jobs(CommandRequest request) {
    return JobStore.recentOf(pool, request.tenantId(), request.platform(), request.userId(), RECENT_JOBS).map(jobs -> {
      if (jobs.isEmpty()) {
        return ChatMessage.ephemeral("You have no jobs yet.");
      }
      ChatText.Builder text = ChatText.builder().plain("Your last " + Plural.of(jobs.size(), "job") + ":");
      for (Job job : jobs) {
        text.plain("\n• job " + job.id() + " ").code(job.commandText())
            .plain(" — " + job.status().wire() + " (" + ChatText.time(job.createdAt()) + ")");
      }
      return ChatMessage.ephemeral(text.build());
    });
  }

  /**
   * One job's status and output. A user sees their own jobs and the jobs run in the channel they ask
   * from (whose results were posted there anyway); another tenant's job does not exist.
   */
  public Future<ChatMessage> job(CommandRequest request, long jobId) {
    return JobStore.find(pool, request.tenantId(), jobId).map(found -> {
      Optional<Job> visible = found.filter(job -> job.platform().equals(request.platform())
          && (job.requester().equals(request.userId()) || job.channel().equals(request.channelId())));
      if (visible.isEmpty()) {
        return ChatMessage.ephemeral("There is no job " + jobId + " that you can see here.");
      }
      Job job = visible.get();
      if (job.status() == JobStatus.QUEUED || job.status() == JobStatus.RUNNING) {
        ChatText.Builder text = ChatText.builder().plain("Job " + jobId + " ").code(job.commandText())
            .plain(" is " + job.status().wire() + (job.attempts() > 0 ? " (attempt " + job.attempts() + ")" : "") + ".");
        if (job.status() == JobStatus.RUNNING && job.progress() != null) {
          String progressAt = job.progressAt() == null ? "" : " (" + ChatText.time(job.progressAt()) + ")";
          text.plain("\nLatest progress" + progressAt + ": " + job.progress());
        }
        return ChatMessage.ephemeral(text.build());
      }
      return new ChatMessage(Optional.empty(), List.of(new ChatMessage.JobReport(ReplyMessage.result(job))),
          ChatMessage.Visibility.EPHEMERAL, ChatMessage.Placement.DEFAULT);
    });
  }
}
