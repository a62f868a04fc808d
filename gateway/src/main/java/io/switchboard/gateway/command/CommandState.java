package io.switchboard.gateway.command;

import io.switchboard.tenancy.command.ParsedCommand;
import io.switchboard.tenancy.policy.CommandRequest;
import io.switchboard.tenancy.policy.Decision;
import io.switchboard.tenancy.policy.TenantPolicy;

import java.time.Instant;
import java.util.Objects;

/**
 * What the steps of the {@link CommandPipeline} know about one command so far. Each step reads what the
 * steps before it found and hands the next one a copy with what it adds; asking for something no
 * earlier step found is a programming error (the steps are out of order), not a user's.
 */
public final class CommandState {

  private final ChatCommand command;
  private final CommandRequest request;
  private final Instant receivedAt;
  private final IncompleteCommands forms;
  private final TenantPolicy policy;
  private final ParsedCommand parsed;
  private final Decision decision;

  private CommandState(ChatCommand command, CommandRequest request, Instant receivedAt, IncompleteCommands forms,
                       TenantPolicy policy, ParsedCommand parsed, Decision decision) {
    this.command = command;
    this.request = request;
    this.receivedAt = receivedAt;
    this.forms = forms;
    this.policy = policy;
    this.parsed = parsed;
    this.decision = decision;
  }

  /** A command as the platform gave it: the request names no groups beyond the command's own. */
  static CommandState of(ChatCommand command, String platform, Instant receivedAt, IncompleteCommands forms) {
    return new CommandState(command, new CommandRequest(command.tenantId(), platform, command.workspaceId(),
        command.userId(), command.channelId(), command.groups()), receivedAt, forms, null, null, null);
  }

  /** The command as the platform verified it. */
  public ChatCommand command() {
    return command;
  }

  /** Who asks, where: with the user's groups once {@link ResolveGroups} ran. */
  public CommandRequest request() {
    return request;
  }

  /** When the pipeline took the command: the instant freeze windows and approval deadlines are judged at. */
  public Instant receivedAt() {
    return receivedAt;
  }

  /** How the platform offers a form for an incomplete command (none on most platforms). */
  public IncompleteCommands forms() {
    return forms;
  }

  /** The tenant's policy ({@link LoadPolicy}). */
  public TenantPolicy policy() {
    return found(policy, "policy");
  }

  /** The parsed command ({@link ParseCommand}). */
  public ParsedCommand parsed() {
    return found(parsed, "parsed command");
  }

  /** The parsed command when it runs a job ({@link AnswerBuiltins} let only those through). */
  public ParsedCommand.Invocation invocation() {
    if (!(parsed() instanceof ParsedCommand.Invocation invocation)) {
      throw new IllegalStateException("the command is not an invocation: a step runs out of order");
    }
    return invocation;
  }

  /** What the policy's roles and approval rules allow ({@link CheckRoles}). */
  public Decision decision() {
    return found(decision, "decision");
  }

  CommandState withPolicy(TenantPolicy found) {
    return new CommandState(command, request, receivedAt, forms, Objects.requireNonNull(found), parsed, decision);
  }

  CommandState withRequest(CommandRequest resolved) {
    return new CommandState(command, Objects.requireNonNull(resolved), receivedAt, forms, policy, parsed, decision);
  }

  CommandState withParsed(ParsedCommand found) {
    return new CommandState(command, request, receivedAt, forms, policy, Objects.requireNonNull(found), decision);
  }

  CommandState withDecision(Decision found) {
    return new CommandState(command, request, receivedAt, forms, policy, parsed, Objects.requireNonNull(found));
  }

  private static <T> T found(T value, String what) {
    if (value == null) {
      throw new IllegalStateException("no " + what + " yet: a step runs out of order");
    }
    return value;
  }
}
