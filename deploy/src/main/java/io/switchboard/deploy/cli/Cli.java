package io.switchboard.deploy.cli;

import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin commands of {@code switchboard}: tenant admins' and operators' calls of the REST API
 * ({@code tenants}, {@code installations}, {@code policy}, {@code jobs}, {@code approvals}, {@code audit},
 * {@code tokens}, {@code secrets}) and the node's {@code config check}. They are subcommands of the launcher, whose
 * roles ({@code all}, {@code gateway}, {@code executor}, {@code migrate}) stay as they are. See
 * {@code docs/cli.md}.
 */
public final class Cli {

  private Cli() {
  }

  /** {@code root} (the launcher) with the admin commands added, printing to and reading from {@code context}. */
  public static CommandLine commandLine(Object root, CliContext context) {
    CommandLine commandLine = new CommandLine(root);
    for (Object group : List.of(new TenantsCommand(context), new InstallationsCommand(context),
        new PolicyCommand(context), new JobsCommand(context), new ApprovalsCommand(context), new AuditCommand(context), new TokensCommand(context),
        new SecretsCommand(context), new ConfigCommand(context))) {
      commandLine.addSubcommand(group);
    }
    String[] version = commandLine.getCommandSpec().version();
    for (CommandLine group : commandLine.getSubcommands().values()) {
      describe(group, version);
      group.getSubcommands().values().forEach(command -> describe(command, version));
    }
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setOut(context.out());
    commandLine.setErr(context.err());
    return commandLine;
  }

  /** The launcher's version for {@code -V}, and the exit codes at the end of {@code --help}. */
  private static void describe(CommandLine command, String[] version) {
    command.getCommandSpec().version(version);
    command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
  }

  private static final Map<String, String> EXIT_CODES = exitCodes();

  private static Map<String, String> exitCodes() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(Integer.toString(Exit.OK), "done");
    codes.put(Integer.toString(Exit.FAILED), "the request failed (invalid, server error), or a check failed");
    codes.put(Integer.toString(Exit.USAGE), "usage: a bad option or argument, or a bad config file");
    codes.put(Integer.toString(Exit.NOT_FOUND), "not found");
    codes.put(Integer.toString(Exit.CONFLICT), "conflict, or the policy changed since --if-match");
    codes.put(Integer.toString(Exit.UNAUTHORISED), "no token, or the token was refused (401) or may not (403)");
    codes.put(Integer.toString(Exit.UNREACHABLE), "Switchboard could not be reached");
    codes.put(Integer.toString(Exit.AUDIT_BROKEN), "audit verify: the chain is not intact");
    return codes;
  }
}
